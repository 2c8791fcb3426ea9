package h003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestTotals: with one foreign key listed, the findings still count all seven, each
// with the severity the rule gives it (counted on the server for the unlisted ones).
func TestTotals(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	waitForWrites(t, cl, "parent")
	c := New()
	c.cfg.TopN = 1
	c.cfg.LargeTableBytes = 0 // every table is large: P2 where the referenced table is written
	r := checktest.Run(t, cl, c, checktest.Options{})
	count := map[checks.Severity]int{}
	unlisted := 0
	for _, f := range r.WithCode("H003/fk-without-index") {
		count[f.Severity] += f.Weight()
		if f.Count > 0 {
			unlisted++
		}
	}
	// Six reference parent, which sees deletes: P2. to_parted references ref_parted,
	// which only saw inserts: P3.
	if count[checks.P2] != 6 || count[checks.P3] != 1 || unlisted != 2 {
		t.Errorf("counted %v with %d unlisted findings, want P2 6, P3 1 in 2 unlisted findings", count, unlisted)
	}
}
