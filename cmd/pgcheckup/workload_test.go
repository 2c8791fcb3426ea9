package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestWindowEndToEnd: `run --window` over a known workload, through the command line.
// Before the window D runs; inside it A sleeps (most of the time), B sorts past a tiny
// work_mem (temporary files), C inserts (WAL). K003 ranks A first with a share within 10
// points of the share the client measured, K004 names B, K005 names C (13+), D is absent
// from every listing, K001's calls are K003's rows plus its others, K002 has the SELECT
// and INSERT types, N001 has samples of the window.
func TestWindowEndToEnd(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements; CREATE TABLE c_wal (id int, v text); CREATE TABLE d_before (id int)")
	cl.MustExec(t, "postgres", "SELECT count(*) AS d_only_before FROM d_before")
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result)
	go func() {
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", t.TempDir(), "--window", "6s",
			"--checks", "K001,K002,K003,K004,K005,N001", cl.ConnString("postgres"))
		done <- result{code, stdout, stderr}
	}()
	time.Sleep(2 * time.Second) // the first snapshot is taken at once; the window lasts 6s
	timed := func(sql string) time.Duration {
		start := time.Now()
		cl.MustExec(t, "postgres", sql)
		return time.Since(start)
	}
	var a, others time.Duration
	for range 5 {
		a += timed("SELECT pg_sleep(0.3) AS a_heavy")
	}
	others += timed("SET work_mem = '64kB'; SELECT g, md5(g::text) AS b_spill FROM generate_series(1, 30000) g ORDER BY 2 OFFSET 29999")
	others += timed("INSERT INTO c_wal SELECT g, 'c' FROM generate_series(1, 5000) g")
	res := <-done
	if res.code != exitOK {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	r := readReport(t, strings.TrimSpace(res.stdout))
	data := map[string]string{}
	for _, c := range r.Checks {
		if len(c.Results) == 1 {
			data[c.ID] = string(c.Results[0].Data)
			if c.Results[0].Status == "skipped" || c.Results[0].Status == "error" {
				t.Logf("%s %s: %s", c.ID, c.Results[0].Status, c.Results[0].Reason)
			}
		}
	}
	var k3 struct {
		Window struct{ Source string }
		Top    []struct {
			Query        string
			Calls        int64
			SharePercent float64 `json:"share_percent"`
		}
		Others struct{ Calls int64 }
	}
	if err := json.Unmarshal([]byte(data["K003"]), &k3); err != nil || len(k3.Top) == 0 {
		t.Fatalf("K003: %v: %s", err, data["K003"])
	}
	trueShare := 100 * a.Seconds() / (a + others).Seconds()
	if k3.Window.Source != "window" || !strings.Contains(k3.Top[0].Query, "pg_sleep") ||
		k3.Top[0].SharePercent < trueShare-10 || k3.Top[0].SharePercent > trueShare+10 {
		t.Errorf("K003 (source %s): first %q at %.1f%%, the client measured %.1f%%", k3.Window.Source, k3.Top[0].Query, k3.Top[0].SharePercent, trueShare)
	}
	var k4, k5 struct{ Rows []struct{ Query string } }
	json.Unmarshal([]byte(data["K004"]), &k4)
	if len(k4.Rows) == 0 || !strings.Contains(k4.Rows[0].Query, "ORDER BY") {
		t.Errorf("K004 does not name the spilling sort first: %s", data["K004"])
	}
	if cl.Major >= 13 {
		json.Unmarshal([]byte(data["K005"]), &k5)
		if len(k5.Rows) == 0 || !strings.Contains(k5.Rows[0].Query, "INSERT INTO c_wal") {
			t.Errorf("K005 does not name the INSERT first: %s", data["K005"])
		}
	}
	for id, d := range data {
		if strings.Contains(d, "d_only_before") || strings.Contains(d, "d_before") {
			t.Errorf("%s lists the statement that ran only before the window", id)
		}
	}
	var k1 struct {
		Totals struct{ Calls struct{ Total float64 } }
	}
	json.Unmarshal([]byte(data["K001"]), &k1)
	var listed int64
	for _, s := range k3.Top {
		listed += s.Calls
	}
	if int64(k1.Totals.Calls.Total) != listed+k3.Others.Calls {
		t.Errorf("K001 counts %v calls, K003 %d listed + %d others", k1.Totals.Calls.Total, listed, k3.Others.Calls)
	}
	if !strings.Contains(data["K002"], `"SELECT"`) || !strings.Contains(data["K002"], `"INSERT"`) {
		t.Errorf("K002 types: %s", data["K002"])
	}
	if !strings.Contains(data["N001"], `"samples"`) {
		t.Errorf("N001 has no samples: %s", data["N001"])
	}
}

// TestDeallocationReported: pg_stat_statements evicting entries between two runs (its max
// too small) is reported by K001 (14+, where pg_stat_statements_info counts it), and no
// number of the window goes negative.
func TestDeallocationReported(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"pg_stat_statements.max": "100"}})
	if cl.Major < 14 {
		t.Skipf("PostgreSQL %d does not count deallocations", cl.Major)
	}
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements")
	out := t.TempDir()
	run := func() *report.Report {
		t.Helper()
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--checks", "K001,K003", cl.ConnString("postgres"))
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return readReport(t, strings.TrimSpace(stdout))
	}
	run()
	var distinct strings.Builder
	for i := range 300 { // 300 statements of different shapes, three times the max
		fmt.Fprintf(&distinct, "SELECT %s 1;\n", strings.Repeat("1 + ", i))
	}
	cl.MustExec(t, "postgres", distinct.String())
	r := run()
	found := false
	for _, c := range r.Checks {
		for _, f := range c.Findings {
			found = found || f.Code == "K001/deallocated"
		}
		for _, res := range c.Results {
			if strings.Contains(string(res.Data), ":-") {
				t.Errorf("%s has a negative number: %s", c.ID, res.Data)
			}
		}
	}
	if !found {
		t.Errorf("no K001/deallocated finding after evictions")
	}
}
