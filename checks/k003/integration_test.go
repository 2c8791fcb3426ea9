package k003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	// Without the extension the runner skips with the CREATE EXTENSION hint.
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusSkipped)
	if !strings.Contains(r.Hint, "CREATE EXTENSION pg_stat_statements") {
		t.Fatalf("hint %q", r.Hint)
	}
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements; CREATE TABLE k (id int, v text);
		SELECT pg_stat_statements_reset();`)
	for i := 0; i < 30; i++ {
		cl.MustExec(t, "postgres", "INSERT INTO k SELECT g, 'secret-literal' FROM generate_series(1, 2000) g")
	}
	r = checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	found := false
	for _, s := range d.Top {
		if strings.Contains(string(s.Query), "INSERT INTO k") {
			found = true
			if s.Calls != 30 {
				t.Errorf("calls %d, want 30", s.Calls)
			}
		}
		if strings.HasPrefix(string(s.Query), "/* pgcheckup") {
			t.Errorf("pgcheckup's own statement listed: %s", s.Query)
		}
	}
	if !found {
		t.Fatalf("the planted statement is missing: %+v", d.Top)
	}
}
