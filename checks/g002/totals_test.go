package g002

import (
	"context"
	"fmt"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestPreparedTotal: with top_n 1 the prepared-transaction finding still counts all three.
func TestPreparedTotal(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "10"}})
	cl.MustExec(t, "postgres", "CREATE TABLE t (i int)")
	for i := range 3 {
		gid := fmt.Sprintf("gid%d", i)
		cl.MustExec(t, "postgres", fmt.Sprintf("BEGIN; INSERT INTO t VALUES (%d); PREPARE TRANSACTION '%s'", i, gid))
		t.Cleanup(func() { cl.Exec(ctx, "postgres", "ROLLBACK PREPARED '"+gid+"'") })
	}
	c := New()
	c.cfg.TopN, c.cfg.PreparedP2 = 1, 0
	r := checktest.Run(t, cl, c, checktest.Options{})
	f := r.WithCode("G002/prepared-transaction")
	if len(f) != 1 || f[0].Weight() != 3 || len(f[0].Objects) != 1 {
		t.Fatalf("prepared: %+v", r.Findings)
	}
}
