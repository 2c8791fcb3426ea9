package e001

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

func want(t *testing.T, r checktest.Result, codes map[string]checks.Severity) {
	t.Helper()
	for code, sev := range codes {
		if f := r.WithCode(code); len(f) != 1 || f[0].Severity != sev {
			t.Errorf("%s: got %+v (all: %+v)", code, f, r.Findings)
		}
	}
}

func TestArchiveWithoutCommand(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"archive_mode": "on", "archive_command": "''", "checkpoint_completion_target": "0.5", "checkpoint_timeout": "60s",
	}})
	r := checktest.Run(t, cl, New(), checktest.Options{})
	want(t, r, map[string]checks.Severity{"E001/archive-command-missing": checks.P1,
		"E001/checkpoint-completion-target-low": checks.P3, "E001/checkpoint-timeout-short": checks.P3})
	var d Data
	r.Decode(t, &d)
	if d.VersionNum/10000 != cl.Major || d.InRecovery {
		t.Errorf("data %+v", d)
	}
	if _, ok := get(d, "archive_library"); ok != (cl.Major >= 15) {
		t.Errorf("archive_library present = %v on %d", ok, cl.Major)
	}
	md := render(t, r)
	if !strings.Contains(md, "| `archive_mode` | `on` |") {
		t.Errorf("rendered data:\n%s", md)
	}
}

func TestWALLevelMinimal(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"wal_level": "minimal", "max_wal_senders": "0"}})
	r := checktest.Run(t, cl, New(), checktest.Options{})
	want(t, r, map[string]checks.Severity{"E001/wal-level-minimal": checks.P2, "E001/no-wal-archiving": checks.Info})
}

// TestArchiveCommandStaysRedactable plants a secret in archive_command and runs the check
// through the real privacy layer: the value must reach it as a setting and never appear
// in a finding.
func TestArchiveCommandStaysRedactable(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"archive_mode": "on", "archive_command": "'PGPASSWORD=hunter2 /bin/true %p'", "archive_timeout": "10s",
	}})
	s, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Sanitize: s.Outcome})
	want(t, r, map[string]checks.Severity{"E001/archive-timeout-short": checks.P3})
	if len(r.WithCode("E001/archive-command-missing")) != 0 {
		t.Errorf("command is set: %+v", r.Findings)
	}
	all, _ := json.Marshal(r.Findings)
	if strings.Contains(string(r.Data)+string(all), "hunter2") {
		t.Fatalf("secret survived:\n%s\n%s", r.Data, all)
	}
	var d Data
	r.Decode(t, &d)
	if c, _ := get(d, "archive_command"); !strings.Contains(string(c.Value), "PGPASSWORD=") {
		t.Errorf("archive_command structure lost: %q", c.Value)
	}
}

func TestCommandAndLibrary(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if cl.Major < 16 {
		t.Skipf("PostgreSQL %d: both may be set before 16", cl.Major)
	}
	for _, sql := range []string{"ALTER SYSTEM SET archive_command = '/bin/true'", "ALTER SYSTEM SET archive_library = 'basic_archive'", "SELECT pg_reload_conf()"} {
		cl.MustExec(t, "postgres", sql)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{})
	// archive_mode is off in this cluster: the pair is harmless until archiving is on.
	if len(r.WithCode("E001/archive-command-and-library")) != 0 {
		t.Fatalf("archive_mode off: %+v", r.Findings)
	}
	cl.MustExec(t, "postgres", "ALTER SYSTEM SET archive_mode = on")
	if err := cl.Restart(t.Context()); err != nil {
		t.Fatal(err)
	}
	r = checktest.Run(t, cl, New(), checktest.Options{})
	want(t, r, map[string]checks.Severity{"E001/archive-command-and-library": checks.P1})
}

func TestClean(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN; GRANT pg_monitor TO monitor")
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "monitor"})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	for _, f := range r.Findings {
		if f.Severity >= checks.P2 {
			t.Errorf("P1/P2 on a clean cluster: %+v", f)
		}
	}
	// 12 and 13 default checkpoint_completion_target to 0.5.
	if got := len(r.WithCode("E001/checkpoint-completion-target-low")) == 1; got != (cl.Major < 14) {
		t.Errorf("completion target finding = %v on %d", got, cl.Major)
	}
	want(t, r, map[string]checks.Severity{"E001/no-wal-archiving": checks.Info, "E001/max-wal-size-small": checks.Info})
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "E001") }
