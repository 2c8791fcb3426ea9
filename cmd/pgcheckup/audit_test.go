package main

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

// logEntry matches the harness's log_line_prefix '%m [%p] %q%u@%d/%a '.
var logEntry = regexp.MustCompile(`^\d{4}-\d\d-\d\d [0-9:.]+ \S+ \[\d+\] (?:\S*@\S*/(\S*) )?([A-Z]+):  (.*)$`)
var logStatement = regexp.MustCompile(`^(?:statement|execute [^:]*): (.*)$`)

// serverStatements reads every statement the server logged for application app.
func serverStatements(t *testing.T, logFile, app string) []string {
	t.Helper()
	f, err := os.Open(logFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	var cur *strings.Builder
	flush := func() {
		if cur != nil {
			out = append(out, cur.String())
			cur = nil
		}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if m := logEntry.FindStringSubmatch(line); m != nil {
			flush()
			if m[1] != app || m[2] != "LOG" {
				continue
			}
			if s := logStatement.FindStringSubmatch(m[3]); s != nil {
				cur = &strings.Builder{}
				cur.WriteString(s[1])
			}
			continue
		}
		if cur != nil && strings.HasPrefix(line, "\t") {
			cur.WriteString("\n" + strings.TrimPrefix(line, "\t"))
		}
	}
	flush()
	return out
}

func fingerprint(t *testing.T, sql string) string {
	fp, err := pg_query.Fingerprint(sql)
	if err != nil {
		t.Fatalf("fingerprint: %v\n%s", err, sql)
	}
	return fp
}

// TestStatementAudit turns on statement logging on the server, runs every check, and
// requires every statement the server received from pgcheckup to be one that
// `pgcheckup sql` lists, and a read-only SELECT.
func TestStatementAudit(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"log_statement": "all", "max_prepared_transactions": "2"}})
	cl.MustExec(t, "postgres", fixture(t, "escaping.sql")+"; CREATE EXTENSION pg_stat_statements; CREATE EXTENSION pgstattuple;")
	runReport(t, cl, pgtest.Superuser, "postgres", "--precise-bloat")

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
	if len(sent) < 3 {
		t.Fatalf("the server logged only %d statements from pgcheckup", len(sent))
	}
	for _, s := range sent {
		if !known[fingerprint(t, s)] {
			t.Errorf("the server received a statement `pgcheckup sql` does not list:\n%s", s)
		}
		if err := sqlaudit.Check(s); err != nil {
			t.Errorf("%v:\n%s", err, s)
		}
	}
	t.Logf("%d statements audited", len(sent))
}

// TestStatementsDoNotGrowWithTables runs every check on a database with one table and on
// one with 300 tables (keys, indexes, foreign keys, sequences): each check must send the
// same statements to both, so none runs a query per table.
func TestStatementsDoNotGrowWithTables(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"log_statement": "all"}})
	cl.MustExec(t, "postgres", "CREATE DATABASE small")
	cl.MustExec(t, "postgres", "CREATE DATABASE big")
	cl.MustExec(t, "small", "CREATE TABLE t (id serial PRIMARY KEY, v text)")
	cl.MustExec(t, "big", "CREATE TABLE parent (id serial PRIMARY KEY)")
	cl.MustExec(t, "big", `DO $$ BEGIN FOR i IN 1..300 LOOP
		EXECUTE format('CREATE TABLE t%s (id serial PRIMARY KEY, parent_id int REFERENCES parent, v text, at timestamp)', i);
		EXECUTE format('CREATE INDEX ON t%s (v)', i);
	END LOOP; END $$`)
	cl.MustExec(t, "big", "ANALYZE")
	perCheck := func(db string) map[string]int {
		before := len(serverStatements(t, cl.LogFile(), "pgcheckup"))
		runReport(t, cl, pgtest.Superuser, db)
		counts := map[string]int{}
		for _, s := range serverStatements(t, cl.LogFile(), "pgcheckup")[before:] {
			id, _, _ := strings.Cut(strings.TrimPrefix(s, "/* pgcheckup "), " */")
			counts[id]++
		}
		return counts
	}
	small, big := perCheck("small"), perCheck("big")
	if len(small) < 30 {
		t.Fatalf("only %d checks' statements seen: %v", len(small), small)
	}
	for id, n := range big {
		if n != small[id] {
			t.Errorf("%s sent %d statements with 1 table and %d with 300", id, small[id], n)
		}
	}
}
