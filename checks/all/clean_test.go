package all

import (
	"slices"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// foundationChecks are the first eight checks; on a clean database they find nothing
// worse than P3.
var foundationChecks = []string{"A002", "A003", "A004", "A005", "A007", "H001", "H002", "L001"}

// TestCleanClusterHasNoP1 runs every check on a cluster with the harness's defaults, a
// small healthy schema and no host facts: no check may report P1, and the foundation
// checks nothing worse than P3. A002's verdict on the major's lifecycle is the one
// exception: 12, 13 and 14 are past their end of life, and that is true of any database.
func TestCleanClusterHasNoP1(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements;
		CREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
		CREATE TABLE payments (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			account_id bigint NOT NULL REFERENCES accounts, at timestamptz NOT NULL DEFAULT now());
		CREATE INDEX ON payments (account_id);
		INSERT INTO accounts (email) SELECT 'a' || g FROM generate_series(1, 5000) g;
		INSERT INTO payments (account_id) SELECT 1 + g % 5000 FROM generate_series(1, 20000) g;`)
	time.Sleep(1100 * time.Millisecond)
	cl.MustExec(t, "postgres", "VACUUM ANALYZE")
	lifecycle := []string{"A002/eol", "A002/eol-soon", "A002/newer-major"}
	for _, c := range Checks() {
		id := c.Meta().ID
		r := checktest.Run(t, cl, c, checktest.Options{})
		for _, f := range r.Findings {
			if slices.Contains(lifecycle, f.Code) {
				continue
			}
			if f.Severity == checks.P1 || f.Severity == checks.P2 && slices.Contains(foundationChecks, id) {
				t.Errorf("%s on a clean cluster: %s %s: %s", id, f.Severity, f.Code, f.Conclusion)
			}
		}
	}
}
