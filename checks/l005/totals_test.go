package l005

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestTotals: with one row of each list shown, the findings still count every
// constraint.
func TestTotals(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	want := 4
	if cl.Major >= 18 {
		cl.MustExec(t, "postgres", "CREATE TABLE nn (a int); ALTER TABLE nn ADD CONSTRAINT nn_a NOT NULL a NOT VALID;")
		want++
	}
	cl.MustExec(t, "postgres", `CREATE TABLE child2 (pid int REFERENCES parent);
		UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'parent_pkey'::regclass;`)
	c := New()
	c.cfg.TopN = 1
	r := checktest.Run(t, cl, c, checktest.Options{})
	for code, n := range map[string]int{"L005/not-valid": want, "L005/fk-without-unique-index": 3} {
		got, unlisted := 0, 0
		for _, f := range r.WithCode(code) {
			got += f.Weight()
			if f.Count > 0 {
				unlisted++
				if f.Severity != map[string]checks.Severity{"L005/not-valid": checks.P3, "L005/fk-without-unique-index": checks.P2}[code] {
					t.Errorf("%s: unlisted severity %v", code, f.Severity)
				}
			}
		}
		if got != n || unlisted != 1 {
			t.Errorf("%s: counted %d in %d unlisted findings, want %d in 1", code, got, unlisted, n)
		}
	}
}
