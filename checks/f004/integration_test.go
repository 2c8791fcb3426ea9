package f004

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// The acceptance test of the estimate: a table bloated by deletes and updates (autovacuum
// off), analyzed, estimated within 15 percentage points of what pgstattuple measures; the
// same table seen by a role with only pg_monitor is unknown, not a number.
func TestOnRealServer(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"fsync": "off", "autovacuum": "off"}})
	cl.MustExec(t, "postgres", `
CREATE EXTENSION pgstattuple;
CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;
CREATE ROLE plain LOGIN;
CREATE TABLE bloated (id int PRIMARY KEY, n bigint, created timestamptz, note text, payload text)
  WITH (autovacuum_enabled = false);
INSERT INTO bloated SELECT g, g * 7, now(), CASE WHEN g % 3 = 0 THEN 'n' || g END,
  md5(g::text) || md5((g * 3)::text) FROM generate_series(1, 150000) g;
DELETE FROM bloated WHERE id % 2 = 0;
UPDATE bloated SET n = n + 1, payload = md5(payload) WHERE id % 8 = 1;
CREATE TABLE fresh (id bigint, flag boolean, v int, label text) WITH (autovacuum_enabled = false);
INSERT INTO fresh SELECT g, g % 2 = 0, g, 'label ' || g FROM generate_series(1, 100000) g;
CREATE TABLE tiny (id int); INSERT INTO tiny SELECT generate_series(1, 1000);`)
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	analyzeSettled(t, conn, "bloated", 150000+75000+18750)
	analyzeSettled(t, conn, "fresh", 100000)
	analyzeSettled(t, conn, "tiny", 1000)
	// pgstattuple's share of the table not holding live rows. At fillfactor 100 this is
	// what a rewrite frees, up to the slack at the end of each page (about 1% here).
	pgstattuple := func(table string) float64 {
		var free, dead float64
		if err := conn.QueryRow(ctx, "SELECT free_percent, dead_tuple_percent FROM pgstattuple($1::regclass)", table).Scan(&free, &dead); err != nil {
			t.Fatal(err)
		}
		return free + dead
	}

	checkBloated := func(stage string) {
		ref := pgstattuple("bloated")
		r := checktest.Run(t, cl, New(), checktest.Options{})
		d := decode(t, r)
		b, ok := find(d, "bloated")
		if !ok || b.Confidence != High || b.BloatPct == nil {
			t.Fatalf("%s: bloated not estimated with high confidence: %+v", stage, b)
		}
		t.Logf("PG %d %s: estimate %.1f%%, pgstattuple free+dead %.1f%%", cl.Major, stage, *b.BloatPct, ref)
		if math.Abs(*b.BloatPct-ref) > 15 {
			t.Errorf("%s: estimate %.1f%% is more than 15 points from pgstattuple's %.1f%%", stage, *b.BloatPct, ref)
		}
		if f := r.WithCode("F004/table-bloat"); len(f) != 1 || f[0].Severity != checks.P2 || f[0].Objects[0] != "public.bloated" {
			t.Errorf("%s: want one P2 for public.bloated, got %+v", stage, r.Findings)
		}
	}
	checkBloated("dead rows, analyzed")
	cl.MustExec(t, "postgres", "VACUUM bloated")
	analyzeSettled(t, conn, "bloated", 0)
	checkBloated("vacuumed and analyzed")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	d := decode(t, r)
	if f, ok := find(d, "fresh"); !ok || f.Confidence != High || *f.BloatPct > 5 {
		t.Errorf("fresh table: %+v", f)
	}
	if _, ok := find(d, "tiny"); ok {
		t.Error("a table under min_size_bytes was estimated")
	}
	// What a rewrite really frees, for the log: the estimate models exactly this.
	var copyPages, pages int64
	if _, err := conn.Exec(ctx, "CREATE TEMP TABLE c AS SELECT * FROM bloated"); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT pg_relation_size('c') / 8192, pg_relation_size('bloated') / 8192").Scan(&copyPages, &pages); err == nil {
		b, _ := find(d, "bloated")
		truth := 100 * float64(pages-copyPages) / float64(pages)
		t.Logf("PG %d: a rewrite frees %.1f%% (%d of %d pages); estimate %.1f%% (%d minimal pages)",
			cl.Major, truth, pages-copyPages, pages, *b.BloatPct, *b.MinPages)
		if math.Abs(truth-*b.BloatPct) > 5 {
			t.Errorf("estimate %.1f%% is more than 5 points from what a rewrite frees, %.1f%%", *b.BloatPct, truth)
		}
	} else {
		t.Fatal(err)
	}
	md, err := render(r)
	if err != nil || !strings.Contains(md, "`bloated`") || !strings.Contains(md, "| high |") {
		t.Errorf("render: %v\n%s", err, md)
	}

	// A role with only pg_monitor sees no pg_stats rows of these tables: unknown, no number.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	d = decode(t, r)
	if b, ok := find(d, "bloated"); !ok || b.Confidence != Unknown || b.BloatPct != nil || b.Cause != causeHidden {
		t.Errorf("pg_monitor role: bloated is %+v, want unknown without a number", b)
	}
	if len(r.WithCode("F004/table-bloat")) != 0 || !hasObject(r.WithCode("F004/stats-not-visible"), "public.bloated") {
		t.Errorf("pg_monitor role: findings %+v", r.Findings)
	}
	md, _ = render(r)
	if !strings.Contains(md, "| unknown |") {
		t.Errorf("render for pg_monitor:\n%s", md)
	}

	// Precise mode: pg_monitor includes pg_stat_scan_tables, so it may measure.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon", PreciseBloat: true})
	d = decode(t, r)
	b, _ := find(d, "bloated")
	if b.Measured == nil || d.Precise.Problem != "" || math.Abs(b.Measured.BloatPct-pgstattuple("bloated")) > 5 {
		t.Fatalf("precise as pg_monitor: %+v, %+v", b.Measured, d.Precise)
	}
	if f := r.WithCode("F004/table-bloat"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "pgstattuple_approx") {
		t.Errorf("precise as pg_monitor: findings %+v", r.Findings)
	}
	// Without the right to call pgstattuple: the estimates stand and the reason is told.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "plain", PreciseBloat: true})
	r.MustStatus(t, checks.StatusOK)
	d = decode(t, r)
	if !strings.Contains(string(d.Precise.Problem), "permission denied") || !strings.Contains(string(d.Precise.Hint), "pg_stat_scan_tables") ||
		len(r.WithCode("F004/precise-unavailable")) != 1 {
		t.Errorf("precise without privilege: %+v", d.Precise)
	}
	// Without the extension.
	cl.MustExec(t, "postgres", "CREATE DATABASE noext")
	r = checktest.Run(t, cl, New(), checktest.Options{DB: "noext", PreciseBloat: true})
	d = decode(t, r)
	if !strings.Contains(string(d.Precise.Problem), "not installed") || !strings.Contains(string(d.Precise.Hint), "CREATE EXTENSION pgstattuple") {
		t.Errorf("precise without the extension: %+v", d.Precise)
	}
	// In a schema of its own it is called there, by its qualified name.
	cl.MustExec(t, "noext", "CREATE SCHEMA ext; CREATE EXTENSION pgstattuple SCHEMA ext; CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g; ANALYZE t")
	r = checktest.Run(t, cl, New(), checktest.Options{DB: "noext", PreciseBloat: true})
	d = decode(t, r)
	if d.Precise.Schema != "ext" || d.Precise.Problem != "" || len(r.WithCode("F004/precise-unavailable")) != 0 {
		t.Errorf("precise with the extension in schema ext: %+v", d.Precise)
	}
}

// analyzeSettled analyzes table once the statistics system has counted its mods changes,
// and waits until it has taken in the ANALYZE: both arrive asynchronously, and a change
// counted after the ANALYZE would make its statistics look stale.
func analyzeSettled(t *testing.T, conn *pgx.Conn, table string, mods int64) {
	t.Helper()
	ctx := context.Background()
	wait := func(ok func(int64) bool) {
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var n int64
			if err := conn.QueryRow(ctx, "SELECT n_mod_since_analyze FROM pg_stat_all_tables WHERE relid = $1::regclass", table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if ok(n) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: n_mod_since_analyze stuck at %d", table, n)
			}
		}
	}
	wait(func(n int64) bool { return n >= mods })
	if _, err := conn.Exec(ctx, "ANALYZE "+table); err != nil {
		t.Fatal(err)
	}
	wait(func(n int64) bool { return n == 0 })
}

func decode(t *testing.T, r checktest.Result) Data {
	t.Helper()
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	var d Data
	r.Decode(t, &d)
	return d
}

func find(d Data, table string) (Table, bool) {
	for _, t := range d.Tables {
		if t.Schema == "public" && string(t.Table) == table {
			return t, true
		}
	}
	return Table{}, false
}

func hasObject(fs []checks.Finding, name checks.Name) bool {
	for _, f := range fs {
		for _, o := range f.Objects {
			if o == name {
				return true
			}
		}
	}
	return false
}

func render(r checktest.Result) (string, error) { return r.MarkdownErr("F004") }
