package s005

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const canary = "canary-S005-pw-0d2e"

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"log_connections": "on", "logging_collector": "on"}})
	cl.MustExec(t, "postgres", "CREATE ROLE watcher LOGIN; CREATE ROLE app LOGIN")

	// Clean: connections logged, statements not, log files private.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "watcher"})
	r.MustStatus(t, checks.StatusOK)
	if len(r.Findings) != 0 {
		t.Fatalf("clean cluster: %+v", r.Findings)
	}

	for _, s := range []string{"ALTER SYSTEM SET log_statement = 'ddl'", "ALTER SYSTEM SET log_connections = off",
		"ALTER SYSTEM SET log_file_mode = '0644'", "ALTER ROLE app SET log_min_duration_statement = 0",
		"ALTER DATABASE postgres SET log_statement = 'none'", "SELECT pg_reload_conf()"} {
		cl.MustExec(t, "postgres", s)
	}
	cl.MustExec(t, "postgres", "CREATE ROLE secretive LOGIN PASSWORD '"+canary+"'")

	r = checktest.Run(t, cl, New(), checktest.Options{Role: "watcher", EmptySearchPath: true})
	r.MustStatus(t, checks.StatusFindings)
	// The database setting hides the server-wide 'ddl' from a session in postgres: said so.
	if f := r.WithCode("S005/server-value-hidden"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "`log_statement`") {
		t.Fatalf("hidden: %+v", r.Findings)
	}
	f := r.WithCode("S005/statements-logged")
	if len(f) != 1 || f[0].Severity != checks.P2 || strings.Contains(f[0].Conclusion, "`log_statement = ddl`") ||
		!strings.Contains(f[0].Conclusion, "`log_min_duration_statement = 0` for role `app`") ||
		strings.Contains(f[0].Conclusion, "none") || !slices.Contains(f[0].Objects, "app") {
		t.Fatalf("statements logged: %+v", r.Findings)
	}
	if f := r.WithCode("S005/log-connections-off"); len(f) != 1 || f[0].Severity != checks.P3 {
		t.Fatalf("log_connections: %+v", r.Findings)
	}
	if f := r.WithCode("S005/log-files-world-readable"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "`0644`") ||
		len(r.Findings) != 4 {
		t.Fatalf("log_file_mode: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	if d.OverridesTotal != 2 || len(d.Overrides) != 2 {
		t.Fatalf("overrides: %+v", d)
	}
	md := r.Markdown(t, "S005")
	checktest.TableRows(t, md, 4, 3)
	for _, s := range []string{"| `log_statement` | `none` | database |", "| *all* | `app` | `log_min_duration_statement` | `0` |",
		"| `postgres` | *all* | `log_statement` | `none` |"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
	// In another database the server-wide value shows.
	cl.MustExec(t, "postgres", "CREATE DATABASE other")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "watcher", DB: "other"})
	if f := r.WithCode("S005/statements-logged"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "`log_statement = ddl`: every statement of class `ddl`") ||
		len(r.WithCode("S005/server-value-hidden")) != 0 {
		t.Fatalf("in other: %+v", r.Findings)
	}
	b, _ := json.Marshal(r.Findings)
	if strings.Contains(string(r.Data)+string(b)+md, canary) {
		t.Error("the planted password reached the output")
	}

	// Sampling every statement, and the debug trees.
	for _, s := range []string{"ALTER SYSTEM RESET ALL", "ALTER ROLE app RESET ALL", "ALTER DATABASE postgres RESET ALL", "ALTER SYSTEM SET log_connections = on",
		"ALTER SYSTEM SET log_transaction_sample_rate = 0.01", "ALTER SYSTEM SET debug_print_parse = on", "SELECT pg_reload_conf()"} {
		cl.MustExec(t, "postgres", s)
	}
	r = checktest.Run(t, cl, New(), checktest.Options{})
	if f := r.WithCode("S005/statements-logged"); len(f) != 1 || len(r.Findings) != 1 ||
		!slices.Equal(f[0].Objects, []checks.Name{"log_transaction_sample_rate", "debug_print_parse"}) {
		t.Fatalf("sampling: %+v", r.Findings)
	}
}
