package d004

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestDeallocations(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"pg_stat_statements.max": "100"}})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements")
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	// 300 statements of different shapes (1 to 300 columns) overflow 100 entries.
	cols := make([]string, 0, 300)
	for i := 1; i <= 300; i++ {
		cols = append(cols, fmt.Sprintf("%d", i))
		if _, err := conn.Exec(ctx, "SELECT "+strings.Join(cols, ", ")); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close(ctx)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	pgss, _ := ext(d, "pg_stat_statements")
	if !pgss.Loaded || !pgss.Installed || pgss.InPreload == nil || !*pgss.InPreload {
		t.Fatalf("pg_stat_statements state %+v", pgss)
	}
	if cl.Major < 14 {
		if d.Dealloc != nil || !strings.Contains(string(d.DeallocUnknown), "14") {
			t.Fatalf("before 14: dealloc %v, unknown %q", d.Dealloc, d.DeallocUnknown)
		}
		return
	}
	if d.Dealloc == nil || *d.Dealloc == 0 || d.StatsReset == nil {
		t.Fatalf("dealloc %v (%s)", d.Dealloc, d.DeallocUnknown)
	}
	if f := r.WithCode("D004/deallocations"); len(f) != 1 || f[0].Severity != checks.P2 {
		t.Fatalf("findings %+v", r.Findings)
	}
	md := render(t, r)
	if !strings.Contains(md, "| `pg_stat_statements.max` | `100` |") || !strings.Contains(md, "evicted") {
		t.Errorf("rendered:\n%s", md)
	}
}

// TestNotPreloaded installs the extension without loading the library (its view then
// errors) and leaves a placeholder for pg_stat_statements.max in postgresql.conf: the
// check must report it, not fail on it.
func TestNotPreloaded(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{NoPreload: true, Settings: map[string]string{"pg_stat_statements.max": "1000", "track_io_timing": "off"}})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements")
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	for code, sev := range map[string]checks.Severity{"D004/pgss-not-loaded": checks.P2, "D004/track-io-timing-off": checks.P3} {
		if f := r.WithCode(code); len(f) != 1 || f[0].Severity != sev {
			t.Errorf("%s: %+v", code, r.Findings)
		}
	}
	var d Data
	r.Decode(t, &d)
	if pgss, _ := ext(d, "pg_stat_statements"); pgss.Loaded || !pgss.Installed || *pgss.InPreload {
		t.Fatalf("state %+v", pgss)
	}
	if d.Dealloc != nil || d.DeallocUnknown == "" {
		t.Fatalf("dealloc %v, unknown %q", d.Dealloc, d.DeallocUnknown)
	}
}

func TestClean(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN; GRANT pg_monitor TO monitor; CREATE ROLE plain LOGIN")
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "monitor"})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	for _, f := range r.Findings {
		if f.Severity >= checks.P2 {
			t.Errorf("P1/P2 on a clean cluster: %+v", f)
		}
	}
	// The harness preloads the library but creates the extension nowhere.
	if len(r.WithCode("D004/pgss-not-installed")) != 1 {
		t.Errorf("findings %+v", r.Findings)
	}
	// A role without pg_read_all_settings cannot see shared_preload_libraries, yet the
	// library's own settings show it is loaded, and the info view is public.
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "plain"})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("plain role: status %s: %s", r.Status, r.Reason)
	}
	var d Data
	r.Decode(t, &d)
	pgss, _ := ext(d, "pg_stat_statements")
	if !pgss.Loaded || !pgss.Installed || pgss.InPreload != nil {
		t.Fatalf("plain role sees %+v", pgss)
	}
	if cl.Major >= 14 && (d.Dealloc == nil || *d.Dealloc != 0) {
		t.Fatalf("dealloc %v (%s)", d.Dealloc, d.DeallocUnknown)
	}
	if len(r.Findings) != 1 || r.Findings[0].Code != "D004/kcache-absent" {
		t.Fatalf("findings %+v", r.Findings)
	}
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "D004") }

// TestExtensionInOwnSchema puts the extension into a schema of its own, with a decoy of
// the same name in public: the view is read from the extension's schema.
func TestExtensionInOwnSchema(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE SCHEMA stats; CREATE EXTENSION pg_stat_statements SCHEMA stats;
		CREATE VIEW public.pg_stat_statements_info AS SELECT -1::bigint AS dealloc, now() AS stats_reset`)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	if r.Status == checks.StatusError {
		t.Fatalf("error: %s", r.Reason)
	}
	var d Data
	r.Decode(t, &d)
	if pgss, _ := ext(d, "pg_stat_statements"); !pgss.Installed || pgss.Schema != "stats" {
		t.Fatalf("state %+v", pgss)
	}
	if cl.Major < 14 {
		if d.Dealloc != nil || !strings.Contains(string(d.DeallocUnknown), "14") {
			t.Fatalf("dealloc %v, unknown %q", d.Dealloc, d.DeallocUnknown)
		}
		return
	}
	if d.Dealloc == nil || *d.Dealloc != 0 {
		t.Fatalf("dealloc %v (unknown %q): want 0 from stats.pg_stat_statements_info", d.Dealloc, d.DeallocUnknown)
	}
}
