package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

// TestWorkloadAcrossRuns: without --window, a run compares with the snapshot the
// previous run of the project kept (same server life), and says so; after a restart it
// refuses that with the reason and reports the totals since the reset. The kept snapshot
// holds counters and queryids only: no text, no literal.
func TestWorkloadAcrossRuns(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements; CREATE TABLE wl (id int, secret text)")
	out := t.TempDir()
	run := func() (*report.Report, string) {
		t.Helper()
		cl.MustExec(t, "postgres", "INSERT INTO wl VALUES (1, 'CANARY-LITERAL-7731')")
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--project", "wl", "--checks", "K001,K003",
			cl.ConnString("postgres"))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		dir := strings.TrimSpace(stdout)
		return readReport(t, dir), dir
	}
	source := func(r *report.Report) (string, string) {
		t.Helper()
		for _, c := range r.Checks {
			if c.ID != "K001" {
				continue
			}
			var d struct {
				Window struct{ Source, Reason string }
			}
			if err := json.Unmarshal(c.Results[0].Data, &d); err != nil {
				t.Fatalf("K001 data: %v: %s", err, c.Results[0].Data)
			}
			return d.Window.Source, d.Window.Reason
		}
		t.Fatal("no K001")
		return "", ""
	}
	r, dir := run()
	if s, why := source(r); s != "since reset" || !strings.Contains(why, "no earlier report") {
		t.Errorf("first run: source %q, reason %q", s, why)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "workload", "*.json"))
	if len(kept) != 1 {
		t.Fatalf("kept snapshots: %v", kept)
	}
	b, err := os.ReadFile(kept[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(kept[0]); fi.Mode().Perm() != 0o600 || strings.Contains(string(b), "CANARY") ||
		strings.Contains(string(b), "INSERT") || strings.Contains(string(b), `"query"`) {
		t.Errorf("the kept snapshot (mode %v) holds more than counters:\n%.400s", fi.Mode().Perm(), b)
	}
	r, _ = run()
	if s, _ := source(r); s != "previous run" {
		t.Errorf("second run: source %q", s)
	}
	if err := cl.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	r, dir = run()
	if s, why := source(r); s != "since reset" || !strings.Contains(why, "restarted") {
		t.Errorf("after a restart: source %q, reason %q", s, why)
	}
	for _, f := range []string{"report.json", "report.md", "report.html"} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err != nil || strings.Contains(string(b), "CANARY-LITERAL") {
			t.Errorf("%s: %v, or it holds the literal", f, err)
		}
	}
}
