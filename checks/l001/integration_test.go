package l001

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;
CREATE TABLE big (id int PRIMARY KEY, pad text);
INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 100000) g;
CREATE TABLE toasty (id int, doc text);
INSERT INTO toasty SELECT g, (SELECT string_agg(md5(g::text || i::text), '') FROM generate_series(1, 200) i)
FROM generate_series(1, 300) g;
CREATE TABLE small (id int);
INSERT INTO small VALUES (1), (2), (3);
CREATE TABLE ev (a int, b text) PARTITION BY RANGE (a);
CREATE TABLE ev1 PARTITION OF ev FOR VALUES FROM (0) TO (20000);
CREATE TABLE ev2 PARTITION OF ev FOR VALUES FROM (20000) TO (40000);
CREATE TABLE ev3 PARTITION OF ev FOR VALUES FROM (40000) TO (60000);
INSERT INTO ev SELECT g, md5(g::text) FROM generate_series(0, 39999) g;
CREATE INDEX ev_a ON ev (a);
CREATE TABLE fresh (a int);
INSERT INTO fresh SELECT generate_series(1, 50000);
CREATE TABLE "<script>alert(1)</script>" (v int);
INSERT INTO "<script>alert(1)</script>" SELECT generate_series(1, 1000);
CREATE MATERIALIZED VIEW mv AS SELECT id FROM big;
ANALYZE big, toasty, small, ev1, ev2, "<script>alert(1)</script>", mv;
`

func TestOnRealServer(t *testing.T) {
	ctx := context.Background()
	// Without autovacuum, fresh and ev3 stay never analyzed.
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"autovacuum": "off"}})
	cl.MustExec(t, "postgres", fixture)
	cl.MustExec(t, "postgres", "CREATE DATABASE clean")

	for _, role := range []string{"postgres", "mon"} {
		t.Run(role, func(t *testing.T) {
			r := checktest.Run(t, cl, New(), checktest.Options{Role: role})
			r.MustStatus(t, checks.StatusOK)
			var d Data
			r.Decode(t, &d)
			got := map[checks.Name]Table{}
			for _, tb := range d.Tables {
				got[tb.Name] = tb
				if tb.TotalBytes == nil || *tb.TotalBytes != *tb.HeapBytes+*tb.IndexBytes+*tb.ToastBytes {
					t.Errorf("%s: parts do not add up: %+v", tb.Name, tb)
				}
				if tb.Schema == "pg_catalog" || strings.HasPrefix(string(tb.Name), "ev") && tb.Name != "ev" {
					t.Errorf("%s.%s must not be listed", tb.Schema, tb.Name)
				}
			}
			if len(d.Tables) == 0 || d.Tables[0].Name != "big" {
				t.Fatalf("big is not first: %+v", d.Tables)
			}
			if b := got["big"]; b.Rows == nil || *b.Rows < 90000 || *b.Rows > 110000 || *b.IndexBytes < 1<<20 {
				t.Errorf("big: %+v", b)
			}
			if tt := got["toasty"]; *tt.ToastBytes < 1<<20 || *tt.HeapBytes > *tt.ToastBytes {
				t.Errorf("toasty: heap %d, toast %d", *tt.HeapBytes, *tt.ToastBytes)
			}
			ev := got["ev"]
			if ev.Kind != "partitioned table" || ev.Partitions != 3 || ev.UnestimatedPartitions != 1 || ev.Rows == nil ||
				*ev.Rows < 36000 || *ev.Rows > 44000 || *ev.IndexBytes == 0 {
				t.Errorf("ev: %+v rows %v", ev, ev.Rows)
			}
			if f, ok := got["fresh"]; !ok || f.Rows != nil || *f.TotalBytes < 1<<20 {
				t.Errorf("fresh (never analyzed) should be measured with unknown rows: %+v", f)
			}
			if mv := got["mv"]; mv.Kind != "materialized view" {
				t.Errorf("mv: %+v", mv)
			}
			if _, ok := got["<script>alert(1)</script>"]; !ok {
				t.Error("odd table name missing")
			}
			if f := r.WithCode("L001/largest-table"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "public.big") {
				t.Errorf("largest: %+v", r.Findings)
			}
			md := render(t, r)
			if strings.Contains(md, "<script>") || !strings.Contains(md, `\<script\>alert(1)\</script\>`) {
				t.Errorf("rendered:\n%s", md)
			}
			checkTable(t, md)
		})
	}

	t.Run("top_n", func(t *testing.T) {
		c := New()
		c.cfg.TopN = 2
		r := checktest.Run(t, cl, c, checktest.Options{Role: "mon"})
		var d Data
		r.Decode(t, &d)
		if len(d.Tables) != 2 || d.Tables[0].Name != "big" || d.Count != 7 {
			t.Fatalf("top 2: %+v", d)
		}
		// Only the top 2 by estimate and at most 2 without an estimate are measured; the
		// totals still cover all 7.
		var listed int64
		for _, tb := range d.Tables {
			listed += tb.EstimatedBytes
		}
		if d.Measured < 2 || d.Measured > 4 || d.EstimatedBytesAll <= listed {
			t.Errorf("measured %d, all %d, listed %d", d.Measured, d.EstimatedBytesAll, listed)
		}
		if md := render(t, r); !strings.Contains(md, "The 2 largest of 7 tables") || !strings.Contains(md, "all 7 together") {
			t.Errorf("rendered:\n%s", md)
		}
	})

	t.Run("top_1", func(t *testing.T) {
		// The live rows rank the tables without an estimate: fresh (50,000 live rows) is
		// measured, ev is not. ev counts as unestimated through ev3, and its live rows are
		// those of all its partitions (ev1 and ev2 are estimated), so it is reported as
		// left out.
		c := New()
		c.cfg.TopN = 1
		r := checktest.Run(t, cl, c, checktest.Options{Role: "mon"})
		var d Data
		r.Decode(t, &d)
		if d.Measured != 2 || d.Unestimated != 2 || d.UnestimatedUnmeasured != 1 {
			t.Errorf("measured %d, unestimated %d, unestimated and unmeasured %d; want 2, 2, 1",
				d.Measured, d.Unestimated, d.UnestimatedUnmeasured)
		}
	})

	t.Run("locked", func(t *testing.T) {
		conn, err := cl.Connect(ctx, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "BEGIN; LOCK TABLE big IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		defer conn.Exec(ctx, "ROLLBACK")
		r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
		r.MustStatus(t, checks.StatusOK)
		var d Data
		r.Decode(t, &d)
		if b := d.Tables[0]; b.Name != "big" || !b.Locked || b.TotalBytes != nil || b.EstimatedBytes < 1<<20 {
			t.Errorf("locked big: %+v", b)
		}
		if len(r.WithCode("L001/not-measured")) != 1 {
			t.Errorf("findings: %+v", r.Findings)
		}
		checkTable(t, render(t, r))
	})

	t.Run("clean", func(t *testing.T) {
		r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean", Role: "mon"})
		r.MustStatus(t, checks.StatusOK)
		var d Data
		r.Decode(t, &d)
		if len(d.Tables) != 0 || len(r.Findings) != 0 {
			t.Fatalf("clean: %+v %+v", d, r.Findings)
		}
	})
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "L001") }

// checkTable fails unless every table row has as many cell borders as the header.
func checkTable(t *testing.T, md string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("row has %d borders, header %d: %s", n, want, line)
		}
	}
}
