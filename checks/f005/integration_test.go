package f005

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

// Indexes made sparse by deletes and updates (autovacuum off, then VACUUM so that the dead
// entries are gone and only the half-empty leaves remain), estimated against pgstatindex;
// a freshly built index must not be reported; a pg_monitor role gets "unknown".
func TestOnRealServer(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"fsync": "off", "autovacuum": "off"}})
	cl.MustExec(t, "postgres", `
CREATE EXTENSION pgstattuple;
CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;
CREATE ROLE plain LOGIN;
CREATE TABLE bloated (id int PRIMARY KEY, n bigint, payload text) WITH (autovacuum_enabled = false);
INSERT INTO bloated SELECT g, g * 7, md5(g::text) || md5((g * 3)::text) FROM generate_series(1, 150000) g;
CREATE INDEX bloated_payload ON bloated (payload);
CREATE INDEX bloated_lower ON bloated (lower(payload));
DELETE FROM bloated WHERE id % 2 = 0;
UPDATE bloated SET payload = md5(payload) WHERE id % 8 = 1;
CREATE TABLE fresh (id bigint, flag boolean, label text) WITH (autovacuum_enabled = false);
INSERT INTO fresh SELECT g, g % 2 = 0, 'label ' || g FROM generate_series(1, 100000) g;
CREATE UNIQUE INDEX fresh_id ON fresh (id);
CREATE INDEX fresh_flag ON fresh (flag);`)
	cl.MustExec(t, "postgres", "VACUUM bloated")
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	analyzeSettled(t, conn, "bloated", 150000+75000+18750)
	analyzeSettled(t, conn, "fresh", 100000)

	c := New()
	c.cfg.MinSizeBytes = 256 << 10 // fresh_flag is small where deduplication packs it
	c.cfg.MinPages = 32
	r := checktest.Run(t, cl, c, checktest.Options{})
	d := decode(t, r)
	for _, name := range []string{"bloated_pkey", "bloated_payload", "bloated_lower"} {
		x, ok := find(d, name)
		if !ok || x.Confidence != High || x.BloatPct == nil {
			t.Fatalf("%s not estimated with high confidence: %+v", name, x)
		}
		// pgstatindex's view of the same: leaf space in use against what a fresh build at
		// fillfactor 90 fills.
		var density float64
		if err := conn.QueryRow(ctx, "SELECT avg_leaf_density FROM pgstatindex($1::regclass)", name).Scan(&density); err != nil {
			t.Fatal(err)
		}
		ref := 100 * (1 - density/90)
		t.Logf("PG %d %s: estimate %.1f%%, 1 - avg_leaf_density/fillfactor %.1f%%", cl.Major, name, *x.BloatPct, ref)
		if math.Abs(*x.BloatPct-ref) > 10 {
			t.Errorf("%s: estimate %.1f%% is more than 10 points from pgstatindex's %.1f%%", name, *x.BloatPct, ref)
		}
		if !hasObject(r.WithCode("F005/index-bloat"), checks.Name("public."+name)) {
			t.Errorf("%s: no F005/index-bloat finding in %+v", name, r.Findings)
		}
	}
	if x, ok := find(d, "fresh_id"); !ok || x.Confidence != High || *x.BloatPct > 5 {
		t.Errorf("fresh unique index: %+v", x)
	}
	if hasObject(r.Findings, "public.fresh_id") || hasObject(r.Findings, "public.fresh_flag") {
		t.Errorf("fresh indexes reported: %+v", r.Findings)
	}
	if x, ok := find(d, "fresh_flag"); cl.Major >= 13 && ok && (x.Confidence != Low || !strings.Contains(joinLabels(x.Reasons), "deduplication")) {
		t.Errorf("index of two values on %d: %+v, want low confidence for deduplication", cl.Major, x)
	}
	md, err := render(r)
	if err != nil || !strings.Contains(md, "`bloated_pkey` (unique)") {
		t.Errorf("render: %v\n%s", err, md)
	}

	// pg_monitor alone sees no statistics: unknown, no number.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	d = decode(t, r)
	if x, ok := find(d, "bloated_lower"); !ok || x.Confidence != Unknown || x.BloatPct != nil || x.Cause != causeHidden {
		t.Errorf("pg_monitor: %+v", x)
	}
	if len(r.WithCode("F005/index-bloat")) != 0 || !hasObject(r.WithCode("F005/stats-not-visible"), "public.bloated_pkey") {
		t.Errorf("pg_monitor: findings %+v", r.Findings)
	}
	// SELECT on the table shows the columns' statistics, not the expression's.
	cl.MustExec(t, "postgres", "GRANT SELECT ON bloated TO plain")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "plain"})
	d = decode(t, r)
	if x, _ := find(d, "bloated_payload"); x.Confidence != High {
		t.Errorf("SELECT granted: bloated_payload %+v", x)
	}
	if x, _ := find(d, "bloated_lower"); x.Confidence != Unknown || !strings.Contains(joinLabels(x.Reasons), "owner") {
		t.Errorf("SELECT granted: bloated_lower %+v", x)
	}

	// Precise mode as pg_monitor (which includes pg_stat_scan_tables).
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon", PreciseBloat: true})
	d = decode(t, r)
	x, _ := find(d, "bloated_pkey")
	if x.Measured == nil || d.Precise.Problem != "" || x.Measured.BloatPct < 40 {
		t.Fatalf("precise as pg_monitor: %+v %+v", x.Measured, d.Precise)
	}
	if f := r.WithCode("F005/index-bloat"); len(f) < 3 || !strings.Contains(f[0].Conclusion, "pgstatindex") {
		t.Errorf("precise as pg_monitor: findings %+v", r.Findings)
	}
	// A role that may not call pgstatindex: the estimates stand, the reason is told.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "plain", PreciseBloat: true})
	d = decode(t, r)
	if !strings.Contains(string(d.Precise.Problem), "permission denied") || len(r.WithCode("F005/precise-unavailable")) != 1 {
		t.Errorf("precise without privilege: %+v", d.Precise)
	}
}

// analyzeSettled analyzes table once the statistics system has counted its mods changes,
// and waits until it has taken in the ANALYZE: both arrive asynchronously.
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

func find(d Data, index string) (Index, bool) {
	for _, x := range d.Indexes {
		if x.Schema == "public" && string(x.Index) == index {
			return x, true
		}
	}
	return Index{}, false
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

func render(r checktest.Result) (string, error) { return r.MarkdownErr("F005") }
