package main

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/upload"
)

// TestRunUpload: `run --upload` writes the report with its platform files and sends
// them, each once, into one platform report; without a token it refuses before any
// check runs (exit 2), and --out - cannot be uploaded.
func TestRunUpload(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	r := receiver(t)
	base := []string{"run", "-q", "--out", t.TempDir(), "--checks", "A002,A003,H001", "--upload",
		"--api-url", r.URL, "--ca-file", r.CAFile}
	code, stdout, stderr := runCLI(t, append(base, cl.ConnString("postgres"))...)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	dir := strings.TrimSpace(strings.Split(stdout, "\n")[0])
	noToken(t, dir, stdout, stderr)
	onceEach(t, r, []string{"A002", "A003", "H001"}, "json")

	t.Setenv(upload.TokenEnv, "")
	code, _, stderr = runCLI(t, append(base, cl.ConnString("postgres"))...)
	if code != exitUsage || !strings.Contains(stderr, "token") || r.Calls("checkup_report_create") != 1 {
		t.Errorf("no token: exit %d, %d creates: %s", code, r.Calls("checkup_report_create"), stderr)
	}
	code, _, stderr = runCLI(t, "run", "--out", "-", "--upload", "--dry-run", cl.ConnString("postgres"))
	if code != exitUsage || !strings.Contains(stderr, "--out -") {
		t.Errorf("--out - with --upload: exit %d: %s", code, stderr)
	}
}
