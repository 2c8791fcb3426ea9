package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

// TestSetupPrints: without --apply, setup connects to nothing and prints a script that
// parses, in a transaction, with the role quoted.
func TestSetupPrints(t *testing.T) {
	for _, args := range [][]string{{"setup", `mon"x`}, {"setup", "--uninstall", `mon"x`}} {
		code, out, errs := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if _, err := pg_query.Parse(out); err != nil || !strings.Contains(out, "BEGIN;") || !strings.HasSuffix(out, "COMMIT;\n") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
		if strings.Contains(args[1], "uninstall") {
			continue
		}
		if !strings.Contains(out, `GRANT pg_monitor TO "mon""x";`) {
			t.Errorf("role not quoted:\n%s", out)
		}
	}
	if code, _, _ := runCLI(t, "setup"); code != exitUsage {
		t.Errorf("setup without a role: exit %d", code)
	}
}

// TestSetupApplyThenRunWritesNothing applies the setup through the CLI as the superuser,
// then runs every check as the prepared role with statement logging on: F004 and L003
// read through the helpers (the report says so), and every statement the server got from
// `run` is a read-only SELECT that `pgcheckup sql` lists.
func TestSetupApplyThenRunWritesNothing(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"log_statement": "all", "fsync": "off"}})
	cl.MustExec(t, "postgres", `CREATE ROLE mon LOGIN;
CREATE TABLE big (id serial PRIMARY KEY, v text);
INSERT INTO big (v) SELECT repeat('x', 100) FROM generate_series(1, 20000);
ANALYZE big;`)
	if code, out, errs := runCLI(t, "setup", "mon", "--apply", cl.ConnString("postgres")); code != exitOK || !strings.Contains(out, "installed helpers version") {
		t.Fatalf("setup --apply: exit %d\n%s\n%s", code, out, errs)
	}
	dir, _ := runReport(t, cl, "mon", "postgres", "--checks", "F004,L003,A002")
	b, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Checks []struct {
			ID      string `json:"id"`
			Results []struct {
				Data struct {
					Helpers *checks.HelperUse `json:"helpers"`
				} `json:"data"`
			} `json:"results"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			if r.Data.Helpers != nil && r.Data.Helpers.Used {
				used[c.ID] = true
			}
		}
	}
	if !used["F004"] || !used["L003"] {
		t.Errorf("helpers used by %v, want F004 and L003", used)
	}

	_, listed, _ := runCLI(t, "sql")
	stmts, err := pg_query.SplitWithParser(listed, true)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, s := range stmts {
		if strings.TrimSpace(stripLineComments(s)) != "" {
			known[fingerprint(t, checks.InSchema(s, "public"))] = true
		}
	}
	sent := serverStatements(t, cl.LogFile(), "pgcheckup")
	helperCalls := 0
	for _, s := range sent {
		if !known[fingerprint(t, s)] {
			t.Errorf("the server received a statement `pgcheckup sql` does not list:\n%s", s)
		}
		if err := sqlaudit.Check(s); err != nil {
			t.Errorf("%v:\n%s", err, s)
		}
		if strings.Contains(s, "pgcheckup.column_stats") || strings.Contains(s, "pgcheckup.sequences") {
			helperCalls++
		}
	}
	if helperCalls < 2 {
		t.Errorf("%d statements called the helpers, want F004's and L003's", helperCalls)
	}
	t.Logf("%d statements audited, %d through the helpers", len(sent), helperCalls)
}
