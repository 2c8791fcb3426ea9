package k003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestProbeLocked: when pgcheckup cannot tell whether the extension is installed (its
// probe of pg_extension hits the lock timeout), that is an error, not "skipped": the
// reader must not take it for a check that had nothing to say.
func TestProbeLocked(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements")
	cl.Hold(t, "postgres", "BEGIN; LOCK TABLE pg_catalog.pg_extension IN ACCESS EXCLUSIVE MODE")
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusError)
	if !strings.Contains(r.Reason, "could not tell whether pg_stat_statements is installed") || !strings.Contains(r.Reason, "lock timeout") {
		t.Errorf("reason %q", r.Reason)
	}
}

// TestWithoutReadAllStats: a role without pg_read_all_stats sees other roles' statements
// with a NULL queryid and no text. They are listed with what can be seen (times, calls),
// marked hidden, and a finding gives the GRANT that shows them.
func TestWithoutReadAllStats(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements; CREATE TABLE k (id int);
		CREATE ROLE plain LOGIN; GRANT SELECT ON k TO plain; SELECT pg_stat_statements_reset();`)
	for range 20 {
		cl.MustExec(t, "postgres", "INSERT INTO k SELECT g FROM generate_series(1, 2000) g")
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "plain"})
	if r.Status != checks.StatusOK && r.Status != checks.StatusFindings {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	var d Data
	r.Decode(t, &d)
	hidden := 0
	for _, s := range d.Top {
		if s.Hidden {
			hidden++
			if s.QueryID != nil || s.Query != "" || s.Calls == 0 {
				t.Errorf("hidden statement: %+v", s)
			}
		}
	}
	if hidden == 0 || d.Hidden < int64(hidden) {
		t.Fatalf("no hidden statements (%d of %d): %+v", hidden, d.Hidden, d.Top)
	}
	f := r.WithCode("K003/texts-hidden")
	if len(f) != 1 || f[0].Severity != checks.Info || !strings.Contains(f[0].Recommendation, `GRANT pg_read_all_stats TO plain;`) {
		t.Errorf("findings %+v", r.Findings)
	}
	md := r.Markdown(t, "K003")
	if !strings.Contains(md, "hidden: another role's statement") {
		t.Errorf("markdown:\n%s", md)
	}
	checktest.TableRows(t, md, 4, 11)
}
