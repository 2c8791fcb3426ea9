package c007

import (
	"context"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestUnlistedHolders: with top_n 1, the holders beyond the one listed are still counted
// as findings, under their kind's code and severity.
func TestUnlistedHolders(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "10"}})
	cl.MustExec(t, "postgres", "CREATE TABLE t (i int)")
	for range 3 {
		conn := connect(t, cl)
		for _, q := range []string{"BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT 1"} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	cl.MustExec(t, "postgres", "BEGIN; INSERT INTO t VALUES (1); PREPARE TRANSACTION 'gid1'")
	t.Cleanup(func() { cl.Exec(ctx, "postgres", "ROLLBACK PREPARED 'gid1'") })
	cl.MustExec(t, "postgres", "INSERT INTO t VALUES (2)")

	c := New()
	c.cfg.TopN, c.cfg.XminAgeP3 = 1, 0 // every holder is a P3 finding
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	weight := func(code string) (w int) {
		for _, f := range r.WithCode(code) {
			if f.Severity != checks.P3 {
				t.Errorf("%s: %+v", code, f)
			}
			w += f.Weight()
		}
		return w
	}
	backends, prepared := weight("C007/xmin-held-by-backend"), weight("C007/xmin-held-by-prepared-transaction")
	if len(d.Holders) != 1 || backends < 3 || prepared != 1 {
		t.Fatalf("holders %+v, unlisted %+v: backends %d, prepared %d (%+v)", d.Holders, d.Unlisted, backends, prepared, r.Findings)
	}
}
