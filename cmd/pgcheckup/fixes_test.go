package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

// TestEveryRecommendationExecutes runs every statement the report recommends, on the demo
// database plus the planted cases of testdata/fixes, as a DBA would: one at a time, as the
// superuser, outside a transaction. Each must succeed and, once run, the finding that
// recommended it must be gone from the next run of its check. Statements written as
// templates fail the test unless the allowed list names them, with the reason.
func TestEveryRecommendationExecutes(t *testing.T) {
	ctx := t.Context()
	cl := pgtest.ForTest(t, pgtest.Options{})
	// The oldest, the default and the newest major: the statements that differ between
	// majors (CONCURRENTLY, ALTER CONSTRAINT, settings) differ at their ends. The other
	// majors would add two minutes each to CI and cover nothing these do not.
	if cl.Major != 12 && cl.Major != 15 && cl.Major != 18 {
		t.Skipf("runs on 12, 15 and 18; this server is %d", cl.Major)
	}
	if err := demodb.Load(ctx, cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	loadPlanted(t, cl, filepath.Join("..", "..", "testdata", "fixes", "planted.sql"))
	start := time.Now()
	defer func() {
		t.Logf("fixes run and checked in %s (after loading)", time.Since(start).Round(time.Millisecond))
	}()

	rep := fixRun(t, cl, demodb.Name, "")
	var templates []string
	done := map[string]bool{} // statements already run, so that data fixes are not run twice
	for _, c := range rep.Checks {
		for _, f := range c.Findings {
			if f.Count > 0 { // stands for unlisted rows: its advice is to list them
				continue
			}
			plan := planOf(f)
			for _, s := range plan.templates {
				if why := notExecutable(f.Code, s); why != "" {
					t.Logf("%s: not run (%s): %s", f.Code, why, s)
					continue
				}
				templates = append(templates, fmt.Sprintf("%s: %s", f.Code, s))
			}
			if len(plan.groups) == 0 {
				continue
			}
			t.Run(f.Code, func(t *testing.T) { applyFix(t, cl, c.ID, f, plan, done) })
		}
	}
	for _, s := range dataFixes(t, rep) {
		if done[s] {
			continue
		}
		// A data row that no finding speaks of (below a threshold) still carries a fix: it must run.
		if err := execFix(ctx, cl, demodb.Name, s); err != nil {
			t.Errorf("fix from a check's data failed: %s\n  %v", s, err)
		}
	}
	if len(templates) > 0 {
		t.Errorf("%d recommended statement(s) are templates a DBA cannot run as written; make them concrete "+
			"or, if the template is deliberate, add the code to the allowed list with the reason:\n  %s",
			len(templates), strings.Join(templates, "\n  "))
	}
}

// notExecutable says why a recommended statement is deliberately not run as written, or
// "" when it must be. Only the codes listed may advise such a statement, and only
// statements matching the pattern: a reviewer sees every exception here.
func notExecutable(code, stmt string) string {
	for _, a := range allowed {
		if a.code == code && a.stmt.MatchString(stmt) {
			return a.why
		}
	}
	return ""
}

// withheld matches a literal the privacy rules replaced by $n in a definition (an index
// predicate or expression): by default a report does not carry them, and
// --definition-literals shows them. The statement is right, the report withholds a part.
var withheld = regexp.MustCompile(`\$[0-9]+`)

var allowed = []struct {
	code string
	stmt *regexp.Regexp
	why  string
}{
	// Templates: the missing part is a choice SQL cannot make.
	{"L004/no-key", regexp.MustCompile(`ADD PRIMARY KEY \(\.\.\.\)$`), "template: the key columns are the DBA's choice; the finding also offers a concrete surrogate key"},
	{"L002/money", regexp.MustCompile(`^ALTER TABLE \.\.\. ALTER COLUMN \.\.\.`), "template: one finding for every money column, which the check's table lists"},
	{"L002/timestamp-without-time-zone", regexp.MustCompile(`^ALTER TABLE \.\.\. ALTER COLUMN \.\.\.`), "template: the zone the values were written in is unknown to SQL"},
	// The application's roles are unknown to SQL; the server-wide statement beside it runs.
	{"G003/no-idle-in-transaction-timeout", regexp.MustCompile(`^ALTER ROLE <application role> `), "template: the application's role"},
	{"G003/no-statement-timeout", regexp.MustCompile(`^ALTER ROLE <application role> `), "template: the application's role"},
	{"G003/timeout-set-globally", regexp.MustCompile(`^ALTER ROLE <role> SET \.\.\.`), "template: the role is the DBA's choice"},
	{"G001/worst-case-above-ram", regexp.MustCompile(`^ALTER ROLE <role> SET work_mem = \.\.\.$`), "template: which role needs more is the DBA's choice; the server-wide statement runs"},
	{"G004/random-page-cost-hdd", regexp.MustCompile(`^ALTER TABLESPACE \.\.\. SET`), "template: the per-tablespace variant of the server-wide statement, which runs"},
	{"S002/password-encryption", regexp.MustCompile(`^ALTER ROLE <role> RESET password_encryption;$`), "template: the roles that set it are listed in the data"},
	{"K004/temp-spill", regexp.MustCompile(`^ALTER ROLE \.\.\. SET work_mem|^SET LOCAL work_mem$`), "template: the statement's role, or its transaction, is the application's"},
	// Statements that need steps outside SQL first, which the finding names.
	{"K001/plan-time-unknown", regexp.MustCompile(`^ALTER EXTENSION pg_stat_statements UPDATE;$`), "needs PostgreSQL 13 or newer first (a major upgrade)"},
	{"D004/kcache-absent", regexp.MustCompile(`^CREATE EXTENSION pg_stat_kcache`), "needs the package installed, shared_preload_libraries and a restart first"},
	// Literals withheld by the default privacy rules.
	{"H001/invalid-index", withheld, "literal withheld by the privacy rules"},
	{"H002/unused-index", withheld, "literal withheld by the privacy rules"},
	{"H004/redundant-index", withheld, "literal withheld by the privacy rules"},
}

// plan is what a finding asks to run: groups of statements, each group one way to fix it
// (several groups are alternatives, each tried on a copy of the database but the last),
// then statements that undo the fix ("To recreate it: ..."), which must run too.
type plan struct {
	groups    [][]string
	undo      []string
	templates []string
	action    bool // false: only diagnostic SELECTs, which cannot clear the finding
}

// alternatives are the codes whose statements are alternatives rather than steps: "rebuild
// it with REINDEX, or drop it (and create it again)"; "add a key over these columns, or a
// surrogate one". A CREATE right after a DROP belongs to the DROP's alternative.
var alternatives = map[string]bool{
	"H001/invalid-index": true,
	"L004/no-key":        true,
	"L004/published-without-replica-identity": true,
}

func planOf(f checks.Finding) plan {
	var p plan
	var steps []string
	for _, sp := range codeSpans(f.Recommendation) {
		if !looksLikeSQL(sp.text) {
			continue
		}
		if isTemplate(sp.text) || notExecutable(f.Code, sp.text) != "" {
			p.templates = append(p.templates, sp.text)
			continue
		}
		stmts, err := pg_query.SplitWithParser(sp.text, true)
		if err != nil || len(stmts) == 0 {
			p.templates = append(p.templates, sp.text)
			continue
		}
		if strings.HasSuffix(strings.TrimSpace(sp.before), "To recreate it:") {
			p.undo = append(p.undo, stmts...)
			continue
		}
		for _, s := range stmts {
			if !diagnostic(s) {
				p.action = true
			}
		}
		if !alternatives[f.Code] {
			steps = append(steps, stmts...)
			continue
		}
		for _, s := range stmts {
			n := len(p.groups)
			if n > 0 && strings.HasPrefix(s, "CREATE") && strings.HasPrefix(p.groups[n-1][0], "DROP") {
				p.groups[n-1] = append(p.groups[n-1], s)
				continue
			}
			p.groups = append(p.groups, []string{s})
		}
	}
	if len(steps) > 0 {
		p.groups = append(p.groups, steps)
	}
	return p
}

// expectedFailures are statements that fail on the demo by design and whose finding says
// so; the next alternative is tried instead. Matched by code, statement and SQLSTATE.
var expectedFailures = []struct {
	code, stmt, sqlstate, why string
}{
	// The demo's orders_status_uniq failed on duplicate statuses, which are still there; the
	// finding says "REINDEX fails the same way until they are removed".
	{"H001/invalid-index", "REINDEX INDEX CONCURRENTLY public.orders_status_uniq", "23505", "duplicates still present"},
}

func expectedFailure(code, stmt string, err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return ""
	}
	for _, e := range expectedFailures {
		if e.code == code && e.stmt == stmt && e.sqlstate == pe.Code {
			return e.why
		}
	}
	return ""
}

// applyFix runs f's plan and asserts that its check no longer reports f.
func applyFix(t *testing.T, cl *pgtest.Cluster, checkID string, f checks.Finding, p plan, done map[string]bool) {
	ctx := t.Context()
	// Every alternative but the last runs on a copy of the database, so that each is
	// tried on the state the report describes.
	for i, g := range p.groups {
		db, last := demodb.Name, i == len(p.groups)-1
		if !last {
			db = "fixcopy"
			mustExec(t, cl, "postgres", "DROP DATABASE IF EXISTS fixcopy")
			copySQL := "CREATE DATABASE fixcopy TEMPLATE " + demodb.Name
			if cl.Major >= 15 { // the default from 15 writes the whole copy to WAL: seconds here
				copySQL += " STRATEGY = FILE_COPY"
			}
			mustExec(t, cl, "postgres", copySQL)
		}
		failed := false
		for _, s := range g {
			done[s] = true
			if err := execFix(ctx, cl, db, s); err != nil {
				if why := expectedFailure(f.Code, s, err); why != "" {
					t.Logf("expected failure (%s): %s: %v", why, s, err)
				} else {
					t.Errorf("recommended statement failed on PostgreSQL %s: %s\n  %v", cl.Version, s, err)
				}
				failed = true
				break
			}
			t.Logf("ran on %s: %s", db, s)
		}
		if !failed {
			if strings.Contains(strings.Join(g, "\n"), "ALTER SYSTEM") {
				applySettings(t, cl)
			}
			if p.action {
				assertGone(t, cl, db, checkID, f, g)
			}
		}
		if !last {
			mustExec(t, cl, "postgres", "DROP DATABASE fixcopy")
		}
	}
	for _, s := range p.undo {
		done[s] = true
		if err := execFix(ctx, cl, demodb.Name, s); err != nil {
			t.Errorf("recommended statement to undo the fix failed on PostgreSQL %s: %s\n  %v", cl.Version, s, err)
		}
	}
}

// assertGone reruns the check and fails when it still reports f (same code and objects).
func assertGone(t *testing.T, cl *pgtest.Cluster, db, checkID string, f checks.Finding, ran []string) {
	t.Helper()
	rep := fixRun(t, cl, db, checkID)
	for _, c := range rep.Checks {
		for _, g := range c.Findings {
			if g.Code == f.Code && sameObjects(g.Objects, f.Objects) {
				t.Errorf("finding still reported on PostgreSQL %s after running %q:\n  %s", cl.Version, ran, g.Conclusion)
			}
		}
	}
}

func sameObjects(a, b []checks.Name) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// fixRun runs pgcheckup (only check id, or every check) on db and returns the report.
// The host facts are small so that memory advice fits the test machine if it is applied.
func fixRun(t *testing.T, cl *pgtest.Cluster, db, id string) *report.Report {
	t.Helper()
	// -d: the fixes run in one database at a time (a copy of demo is made for some), and
	// each run judges that database alone
	args := []string{"run", "-q", "--out", "-", "--format", "json", "--host-ram", "1GB", "--host-cpus", "2", "-d", db}
	if id != "" {
		args = append(args, "--checks", id)
	}
	code, stdout, stderr := runCLI(t, append(args, cl.ConnString(db))...)
	if code != exitOK && code != exitCheckErrors {
		t.Fatalf("run exited %d: %s", code, stderr)
	}
	if code == exitCheckErrors { // the other checks' advice is still worth running
		t.Errorf("a check ended in error, so its advice is not tested: %s", stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("decode report: %v", err)
	}
	return &rep
}

// execFix runs one statement as the superuser in a session of its own (CONCURRENTLY and
// VACUUM refuse a transaction block; a fresh session has none).
func execFix(ctx context.Context, cl *pgtest.Cluster, db, stmt string) error {
	return cl.Exec(ctx, db, stmt)
}

func mustExec(t *testing.T, cl *pgtest.Cluster, db, sql string) {
	t.Helper()
	if err := cl.Exec(t.Context(), db, sql); err != nil {
		t.Fatal(err)
	}
}

// applySettings reloads the configuration, as advice that changes a setting says to, and
// restarts the server when a setting waits for a restart.
func applySettings(t *testing.T, cl *pgtest.Cluster) {
	t.Helper()
	mustExec(t, cl, "postgres", "SELECT pg_catalog.pg_reload_conf()")
	time.Sleep(300 * time.Millisecond) // the postmaster rereads the files asynchronously
	conn, err := cl.Connect(t.Context(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	var pending []string
	rows, err := conn.Query(t.Context(), "SELECT name FROM pg_catalog.pg_settings WHERE pending_restart")
	if err == nil {
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err == nil {
				pending = append(pending, n)
			}
		}
		rows.Close()
		err = rows.Err()
	}
	conn.Close(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) == 0 {
		return
	}
	t.Logf("restart for %v", pending)
	if err := cl.Restart(t.Context()); err != nil {
		t.Fatalf("restart after %v: %v", pending, err)
	}
}

type span struct{ text, before string }

// codeSpans returns the code of a Markdown text: fenced blocks and inline spans (of any
// backtick run length), each with the text that precedes it since the previous span.
func codeSpans(md string) []span {
	var out []span
	last := 0
	for i := 0; i < len(md); {
		if md[i] != '`' {
			i++
			continue
		}
		n := 0
		for i+n < len(md) && md[i+n] == '`' {
			n++
		}
		fence := strings.Repeat("`", n)
		start := i + n
		if n >= 3 { // a fenced block: skip the info string
			if nl := strings.IndexByte(md[start:], '\n'); nl >= 0 {
				start += nl + 1
			}
		}
		end := strings.Index(md[start:], fence)
		if end < 0 {
			break
		}
		out = append(out, span{text: strings.TrimSpace(md[start : start+end]), before: md[last:i]})
		i = start + end + n
		last = i
	}
	return out
}

var sqlVerbs = regexp.MustCompile(`^(ALTER|CREATE|DROP|REINDEX|VACUUM|ANALYZE|CLUSTER|SELECT|SET|RESET|COMMENT|GRANT|REVOKE|TRUNCATE|DELETE|UPDATE|INSERT|REFRESH|CHECKPOINT)\b`)

func looksLikeSQL(s string) bool { return sqlVerbs.MatchString(s) }

// placeholders: "...", "<name>", "[optional]", and $1 (a literal the privacy rules withheld).
var placeholder = regexp.MustCompile(`\.\.\.|<[^>]*>|\[[^\]]*\]|\$[0-9]+`)

func isTemplate(s string) bool {
	if placeholder.MatchString(s) {
		return true
	}
	_, err := pg_query.Parse(s)
	return err != nil
}

// diagnostic: a SELECT that only reads (pgstattuple, pg_get_indexdef, pg_file_settings);
// it cannot clear a finding. pg_reload_conf applies the ALTER SYSTEM before it.
func diagnostic(s string) bool {
	if !strings.HasPrefix(s, "SELECT") {
		return false
	}
	for _, fn := range []string{"pg_drop_replication_slot", "pg_wal_replay_resume", "pg_terminate_backend", "pg_cancel_backend"} {
		if strings.Contains(s, fn) {
			return false
		}
	}
	return true
}

// dataFixes returns every "fix" string in the checks' data (checks.Definition fields).
func dataFixes(t *testing.T, rep *report.Report) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "fix" && s != "" {
					out = append(out, s)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			if len(r.Data) == 0 {
				continue
			}
			var v any
			if err := json.Unmarshal(r.Data, &v); err != nil {
				t.Fatalf("%s data: %v", c.ID, err)
			}
			walk(v)
		}
	}
	return out
}

// loadPlanted runs the fixture one statement at a time; a statement after a comment
// "expect failure" must fail (it plants by failing), every other must succeed.
func loadPlanted(t *testing.T, cl *pgtest.Cluster, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range strings.Split(string(b), ";\n") {
		var sql []string
		fails := false
		for _, l := range strings.Split(chunk, "\n") {
			if c, ok := strings.CutPrefix(strings.TrimSpace(l), "--"); ok {
				fails = fails || strings.HasPrefix(strings.TrimSpace(c), "expect failure")
				continue
			}
			sql = append(sql, l)
		}
		stmt := strings.TrimSpace(strings.Join(sql, "\n"))
		if stmt == "" {
			continue
		}
		err := cl.Exec(t.Context(), demodb.Name, stmt)
		switch {
		case fails && err == nil:
			t.Fatalf("planted statement should fail: %s", stmt)
		case !fails && err != nil:
			t.Fatalf("planted statement: %s: %v", stmt, err)
		}
	}
	mustExec(t, cl, demodb.Name, "ANALYZE")
}
