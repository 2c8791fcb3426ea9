package l002

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestTotals: with top_n 1 the findings still count every key, mismatch and table they
// found, per severity, under the listed findings' codes.
func TestTotals(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	cl.MustExec(t, "postgres", "CREATE TABLE refs2 (narrow int REFERENCES refd (id)); ANALYZE")
	c := New()
	c.cfg.TopN = 1
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.KeysTotal != 3 || d.KeysTotalP2 != 1 || len(d.Keys) != 1 || d.MismatchesTotal != 2 || len(d.Mismatches) != 1 {
		t.Fatalf("totals: %+v", d)
	}
	weight := func(code string) map[checks.Severity]int {
		w := map[checks.Severity]int{}
		for _, f := range r.WithCode(code) {
			w[f.Severity] += f.Weight()
		}
		return w
	}
	// small_p2 (P2) is listed; small_p3 and small_parted (P3) are counted.
	if w := weight("L002/small-integer-key"); w[checks.P2] != 1 || w[checks.P3] != 2 {
		t.Errorf("small-integer-key weights %v: %+v", w, r.Findings)
	}
	if w := weight("L002/fk-type-mismatch"); w[checks.P3] != 2 {
		t.Errorf("fk-type-mismatch weights %v", w)
	}
	if w := weight("L002/timestamp-without-time-zone"); w[checks.Info] != 2 {
		t.Errorf("timestamp weights %v", w)
	}
	if w := weight("L002/money"); w[checks.P3] != 1 {
		t.Errorf("money weights %v", w)
	}
}
