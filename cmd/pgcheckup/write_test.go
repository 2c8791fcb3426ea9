package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

// render onto a disk that fills up exits 4 and leaves the old report.md whole (before:
// exit 1, and report.md rewritten in place, truncated).
func TestRenderFullDiskKeepsOldReport(t *testing.T) {
	dir := reporttest.TinyFS(t, "64k")
	b, err := os.ReadFile(filepath.Join("..", "..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(src, b, 0o600); err != nil {
		t.Fatal(err)
	}
	old := bytes.Repeat([]byte("old report\n"), 2000)
	if err := os.WriteFile(filepath.Join(dir, "report.md"), old, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "render", src, "--out", dir)
	if code != exitWriteFailed || !strings.Contains(stderr, "could not be written") || !strings.Contains(stderr, "no space left") {
		t.Fatalf("exit %d, want %d with a message; stdout %q stderr %q", code, exitWriteFailed, stdout, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, old) {
		t.Fatalf("report.md changed: %d bytes, was %d", len(got), len(old))
	}
}

// A run whose output folder passes the up-front probe but fills up while the report is
// written exits 4 ("checks ran but the report could not be written"), not 1 ("report
// written"), and leaves no report folder.
func TestRunReportNotWrittenExits4(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	out := reporttest.TinyFS(t, "8k") // room for the probe file, not for the report
	code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--project", "p", "--checks", "A003", cl.ConnString("postgres"))
	if code != exitWriteFailed || !strings.Contains(stderr, "report could not be written") {
		t.Fatalf("exit %d, want %d with a message; stdout %q stderr %q", code, exitWriteFailed, stdout, stderr)
	}
	for _, e := range reportEntries(t, filepath.Join(out, "p")) {
		t.Errorf("left behind: %s", e)
	}
}

// 16 runs started together into one project, 20 times over: each keeps its report.
func TestConcurrentRunsKeepReports(t *testing.T) {
	if m := pgtest.MajorFromEnv(); m != 0 {
		// 320 runs of one check: what they test is the writer, the same on every major.
		t.Skipf("runs on the default server only, not on PostgreSQL %d of the matrix", m)
	}
	cl := pgtest.ForTest(t, pgtest.Options{})
	out := t.TempDir()
	const runs, rounds = 16, 20
	seen := map[string]bool{}
	for round := range rounds {
		dirs := make([]string, runs)
		var wg sync.WaitGroup
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--project", "p", "--checks", "A002", "--format", "json", cl.ConnString("postgres"))
				if code != exitOK {
					t.Errorf("round %d run %d: exit %d; stderr %q", round, i, code, stderr)
				}
				dirs[i] = strings.TrimSpace(stdout)
			}()
		}
		wg.Wait()
		for i, d := range dirs {
			if d == "" || seen[d] {
				t.Errorf("round %d run %d: report folder %q missing or shared", round, i, d)
				continue
			}
			seen[d] = true
			readReport(t, d)
		}
	}
	entries := reportEntries(t, filepath.Join(out, "p"))
	if len(entries) != runs*rounds {
		t.Errorf("%d entries in the project folder, want %d", len(entries), runs*rounds)
	}
}

// reportEntries lists a project folder without what every run keeps there: the lock
// file (never removed, see lockName) and the latest link.
func reportEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if n := e.Name(); n != lockName && n != "latest" {
			out = append(out, n)
		}
	}
	return out
}
