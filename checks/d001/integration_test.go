package d001

import (
	"os"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestPlanted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"log_statement": "ddl", "log_line_prefix": "'%m '", "log_lock_waits": "off", "log_temp_files": "-1",
		"log_checkpoints": "off", "log_autovacuum_min_duration": "-1", "log_min_duration_statement": "-1",
	}})
	// What the finding warns about: the password lands in the server log as typed.
	cl.MustExec(t, "postgres", "CREATE ROLE leaky LOGIN PASSWORD 'sekrit-4711'")
	if log, err := os.ReadFile(cl.LogFile()); err != nil || !strings.Contains(string(log), "sekrit-4711") {
		t.Fatalf("password not in the server log (%v): is log_statement in effect?", err)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	for code, sev := range map[string]checks.Severity{
		"D001/logs-passwords": checks.P2, "D001/log-line-prefix-incomplete": checks.P3, "D001/lock-waits-not-logged": checks.P3,
		"D001/temp-files-not-logged": checks.P3, "D001/checkpoints-not-logged": checks.P3, "D001/autovacuum-not-logged": checks.P3,
		"D001/slow-queries-not-logged": checks.P3,
	} {
		if f := r.WithCode(code); len(f) != 1 || f[0].Severity != sev {
			t.Errorf("%s: got %+v", code, f)
		}
	}
	if len(r.Findings) != 7 {
		t.Errorf("got %d findings: %+v", len(r.Findings), r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	if len(d.PrefixMissing) != 4 || !d.PrefixUsed {
		t.Errorf("prefix analysis: %+v %v", d.PrefixMissing, d.PrefixUsed)
	}
	md := render(t, r)
	for _, want := range []string{"| `log_statement` | `ddl` |  | configuration file", "`none`", "lacks process ID (%p or %c)"} {
		if !strings.Contains(md, want) {
			t.Errorf("rendered data lacks %q:\n%s", want, md)
		}
	}
}

func TestClean(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN")
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "monitor"})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	for _, f := range r.Findings {
		if f.Severity >= checks.P2 {
			t.Errorf("P1/P2 on a clean cluster: %+v", f)
		}
	}
	if f := r.WithCode("D001/log-line-prefix-incomplete"); len(f) != 0 {
		t.Errorf("harness prefix is complete: %+v", f)
	}
	var d Data
	r.Decode(t, &d)
	if len(d.Settings) != len(names) {
		t.Fatalf("settings %+v", d.Settings)
	}
	// log_checkpoints is on by default from 15 on.
	if got := len(r.WithCode("D001/checkpoints-not-logged")) == 1; got != (cl.Major < 15) {
		t.Errorf("checkpoints-not-logged = %v on %d", got, cl.Major)
	}
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "D001") }
