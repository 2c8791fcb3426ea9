package a003

import (
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE ROLE nobody LOGIN")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if len(d.Settings) < 200 || d.PendingRestart != 0 || d.SourcesHidden {
		t.Fatalf("clean server: %d settings, %d pending, hidden %v", len(d.Settings), d.PendingRestart, d.SourcesHidden)
	}
	sb := find(d, "shared_buffers")
	if sb == nil || sb.Unit != "8kB" || sb.Bytes == nil || sb.Category == "" || sb.Context != "postmaster" ||
		sb.Source != "configuration file" || sb.SourceFile == "" || sb.SourceLine == 0 ||
		(sb.BootVal != (checks.Setting{}) && (sb.BootVal.Name != sb.Name || sb.BootVal.Value == sb.Value)) {
		t.Fatalf("shared_buffers: %+v", sb)
	}
	// The harness sets log_line_prefix, so its compiled-in default differs.
	if lp := find(d, "log_line_prefix"); lp == nil || lp.BootVal.Name != "log_line_prefix" || lp.BootVal.Value == lp.Value {
		t.Fatalf("log_line_prefix: %+v", lp)
	}

	// A changed postmaster setting, reloaded: the server marks it pending_restart.
	cl.MustExec(t, "postgres", "ALTER SYSTEM SET shared_buffers = '64MB'")
	cl.MustExec(t, "postgres", "SELECT pg_catalog.pg_reload_conf()")
	r = waitFinding(t, cl, checktest.Options{}, "A003/pending-restart")
	f := r.WithCode("A003/pending-restart")[0]
	if f.Severity != checks.P3 || len(f.Objects) != 1 || f.Objects[0] != "shared_buffers" {
		t.Fatalf("finding %+v", f)
	}

	// pg_monitor is enough to see everything, source files included.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusFindings)
	r.Decode(t, &d)
	if d.SourcesHidden || d.PendingRestart != 1 {
		t.Fatalf("as pg_monitor: hidden %v, pending %d", d.SourcesHidden, d.PendingRestart)
	}

	// Without it the check still runs; only source files are hidden.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "nobody"})
	r.MustStatus(t, checks.StatusFindings)
	d = Data{}
	r.Decode(t, &d)
	if !d.SourcesHidden {
		t.Fatalf("as an unprivileged role source files should be hidden")
	}
}

func find(d Data, name string) *Row {
	for i := range d.Settings {
		if d.Settings[i].Name == checks.Name(name) {
			return &d.Settings[i]
		}
	}
	return nil
}

// waitFinding runs the check until it reports code: a reload reaches the server
// asynchronously.
func waitFinding(t *testing.T, cl *pgtest.Cluster, opts checktest.Options, code string) checktest.Result {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := checktest.Run(t, cl, New(), opts)
		if len(r.WithCode(code)) > 0 {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s finding: status %s %s, findings %+v", code, r.Status, r.Reason, r.Findings)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
