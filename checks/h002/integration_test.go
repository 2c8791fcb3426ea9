package h002

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;
CREATE TABLE parent (id int PRIMARY KEY);
INSERT INTO parent SELECT generate_series(1, 1000);
CREATE TABLE parent2 (x int, y int, UNIQUE (x, y));
INSERT INTO parent2 SELECT g, g FROM generate_series(1, 100000) g;
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent, a int, u int,
    c1 int REFERENCES parent, c12 int, x int, y int,
    CONSTRAINT child_xy_fk FOREIGN KEY (x, y) REFERENCES parent2 (x, y));
INSERT INTO child SELECT g, g % 1000 + 1, g, g, g % 1000 + 1, g, g, g FROM generate_series(1, 100000) g;
CREATE INDEX child_parent_idx ON child (parent_id);                       -- supports child_parent_id_fkey
CREATE INDEX child_yx ON child (y, x);                                    -- supports child_xy_fk: same set
CREATE INDEX child_a_parent ON child (a, parent_id);                      -- FK column not leading
CREATE INDEX child_c12 ON child (c12);                                    -- a text prefix of c1 would match
CREATE INDEX child_parent_partial ON child (parent_id) WHERE a > 0;       -- partial: not supporting
CREATE INDEX child_parent_expr ON child ((parent_id + 0));                -- expression: not supporting
CREATE UNIQUE INDEX child_a_uniq ON child (a);                            -- unique: never listed
CREATE INDEX child_used ON child (u);
CREATE TABLE pt (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (50000);
CREATE TABLE pt2 PARTITION OF pt FOR VALUES FROM (50000) TO (200000);
INSERT INTO pt SELECT g, g FROM generate_series(1, 100000) g;
CREATE INDEX pt_b ON pt (b);
CREATE TABLE "<script>alert(1)</script>" (v int);
CREATE INDEX "we|ird` + "`" + `idx" ON "<script>alert(1)</script>" (v);
ANALYZE;
`

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	cl.MustExec(t, "postgres", "CREATE DATABASE clean")
	cl.MustExec(t, "clean", `CREATE TABLE t (id int PRIMARY KEY, b int UNIQUE)`)
	useIndex(t, cl)

	later := time.Now().Add(40 * 24 * time.Hour)
	for _, role := range []string{"postgres", "mon"} {
		t.Run(role, func(t *testing.T) {
			r := checktest.Run(t, cl, New(), checktest.Options{Role: role, Now: later})
			r.MustStatus(t, checks.StatusFindings)
			var d Data
			r.Decode(t, &d)
			got := map[checks.Name]Index{}
			for _, ix := range d.Indexes {
				got[ix.Name] = ix
				if ix.IdxScan != 0 || ix.Definition == "" {
					t.Errorf("%s: %+v", ix.Name, ix)
				}
			}
			for _, name := range []checks.Name{"child_a_uniq", "child_pkey", "parent_pkey", "parent2_x_y_key", "child_used"} {
				if _, ok := got[name]; ok {
					t.Errorf("%s must not be listed", name)
				}
			}
			fks := map[checks.Name][]checks.Name{"child_parent_idx": {"child_parent_id_fkey"}, "child_yx": {"child_xy_fk"},
				"child_a_parent": {}, "child_c12": {}, "child_parent_partial": {}, "child_parent_expr": {}, "pt_b": {}, "we|ird`idx": {}}
			for name, want := range fks {
				if ix, ok := got[name]; !ok || !slices.Equal(ix.SupportsFKs, want) {
					t.Errorf("%s: supports %v, want %v (listed: %v)", name, ix.SupportsFKs, want, ok)
				}
			}
			if p := got["pt_b"]; p.Partitions != 2 || p.SizeBytes == nil || *p.SizeBytes < 1<<20 {
				t.Errorf("pt_b: %+v", p)
			}
			if d.TooYoung || d.StatsAgeDays < 39 {
				t.Errorf("stats judged %v days, too young %v", d.StatsAgeDays, d.TooYoung)
			}
			wantBound := cl.Major >= 15 // stats_reset stays NULL until a reset from 15 on
			if (d.StatsBasis == "lower_bound") != wantBound {
				t.Errorf("basis %s on %d", d.StatsBasis, cl.Major)
			}
			drop := map[string]string{}
			for _, f := range r.WithCode("H002/unused-index") {
				if f.Severity != checks.P3 {
					t.Errorf("severity %s: %s", f.Severity, f.Conclusion)
				}
				drop[string(f.Objects[0])] = f.Recommendation
			}
			for _, name := range []string{"public.child_a_parent", "public.child_c12", "public.pt_b"} {
				if _, ok := drop[name]; !ok {
					t.Errorf("%s not proposed for dropping: %v", name, r.Findings)
				}
			}
			if !strings.Contains(drop["public.child_c12"], "DROP INDEX CONCURRENTLY public.child_c12;") ||
				!strings.Contains(drop["public.pt_b"], "`DROP INDEX public.pt_b;`") {
				t.Errorf("recommendations: %v", drop)
			}
			for _, name := range []string{"public.child_parent_idx", "public.child_yx"} {
				if _, ok := drop[name]; ok {
					t.Errorf("%s supports a foreign key but is proposed for dropping", name)
				}
			}
			if n := len(r.WithCode("H002/unused-fk-index")); n != 2 {
				t.Errorf("%d unused-fk-index findings, want 2", n)
			}
			md := render(t, r)
			if strings.Contains(md, "<script>") || !strings.Contains(md, "we\\|ird\\`idx") || !strings.Contains(md, "may be used on a replica") {
				t.Errorf("rendered:\n%s", md)
			}
			checkTable(t, md)
		})
	}

	t.Run("too young", func(t *testing.T) {
		r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
		var d Data
		r.Decode(t, &d)
		if !d.TooYoung || len(r.WithCode("H002/stats-too-young")) != 1 {
			t.Fatalf("too young %v, findings %+v", d.TooYoung, r.Findings)
		}
		for _, f := range r.Findings {
			if f.Severity != checks.Info {
				t.Errorf("%s is %s with young statistics", f.Code, f.Severity)
			}
		}
		if md := render(t, r); !strings.Contains(md, "Too young to judge") {
			t.Errorf("rendered:\n%s", md)
		}
	})

	t.Run("clean", func(t *testing.T) {
		r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean", Role: "mon", Now: later})
		r.MustStatus(t, checks.StatusOK)
		if len(r.Findings) != 0 {
			t.Fatalf("findings: %+v", r.Findings)
		}
	})

	t.Run("locked", func(t *testing.T) {
		// An uncommitted DROP INDEX holds ACCESS EXCLUSIVE locks: the check must not wait.
		ctx := context.Background()
		conn, err := cl.Connect(ctx, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "BEGIN; DROP INDEX child_c12; REINDEX INDEX pt2_b_idx"); err != nil {
			t.Fatal(err)
		}
		defer conn.Exec(ctx, "ROLLBACK")
		r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon", Now: later})
		r.MustStatus(t, checks.StatusFindings)
		var d Data
		r.Decode(t, &d)
		for _, ix := range d.Indexes {
			switch ix.Name {
			case "child_c12":
				if ix.SizeBytes != nil || !ix.Locked || !ix.TableLocked || ix.Definition != "" {
					t.Errorf("child_c12 read while locked: %+v", ix)
				}
			case "pt_b":
				if ix.SizeBytes == nil || !ix.Locked {
					t.Errorf("pt_b should be measured in part: %+v", ix)
				}
			}
		}
		checkTable(t, render(t, r))
	})

	t.Run("standby", func(t *testing.T) {
		s := pgtest.StandbyForTest(t, cl, nil)
		r := checktest.Run(t, s, New(), checktest.Options{Role: "mon", Now: later})
		r.MustStatus(t, checks.StatusFindings)
		var d Data
		r.Decode(t, &d)
		if !d.InRecovery {
			t.Fatal("standby not seen as in recovery")
		}
		for _, f := range r.WithCode("H002/unused-index") {
			if !strings.Contains(f.Conclusion, "(a standby)") || !strings.Contains(f.Conclusion, "this node only") {
				t.Errorf("conclusion: %s", f.Conclusion)
			}
		}
		checkTable(t, render(t, r))
	})
}

// useIndex scans child_used and waits until the statistics show it.
func useIndex(t *testing.T, cl *pgtest.Cluster) {
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off; SELECT * FROM child WHERE u = 5"); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT idx_scan FROM pg_stat_all_indexes WHERE indexrelname = 'child_used'").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("the scan of child_used never reached the statistics")
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "H002") }

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
