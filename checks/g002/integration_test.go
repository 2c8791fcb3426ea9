package g002

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "10"}})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN IN ROLE pg_monitor; CREATE TABLE t (i int)")
	checktest.Run(t, cl, New(), checktest.Options{Role: "monitor"}).MustStatus(t, checks.StatusOK)

	holder, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	for _, q := range []string{"SET application_name = 'holder_app'", "BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT 1"} {
		if _, err := holder.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	holderPID := int(holder.PgConn().PID())
	cl.MustExec(t, "postgres", "BEGIN; INSERT INTO t VALUES (1); PREPARE TRANSACTION 'pgcheckup_gid'")
	t.Cleanup(func() { cl.Exec(ctx, "postgres", "ROLLBACK PREPARED 'pgcheckup_gid'") })
	time.Sleep(1500 * time.Millisecond)

	c := New()
	c.cfg.IdleInTransactionP3, c.cfg.PreparedP2 = 1, 1
	r := checktest.Run(t, cl, c, checktest.Options{Role: "monitor"})
	idle := r.WithCode("G002/idle-in-transaction")
	if len(idle) != 1 || idle[0].Severity != checks.P3 || !slices.Contains(idle[0].Objects, "holder_app") ||
		!strings.Contains(idle[0].Conclusion, fmt.Sprintf("pid %d", holderPID)) {
		t.Errorf("idle in transaction: %+v", r.Findings)
	}
	prep := r.WithCode("G002/prepared-transaction")
	if len(prep) != 1 || !slices.Equal(prep[0].Objects, []checks.Name{"pgcheckup_gid"}) {
		t.Errorf("prepared: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	if d.Sessions != 1 || d.IdleInTxShort != 1 || d.MaxPreparedTransactions != 10 || len(d.Prepared) != 1 {
		t.Errorf("data %+v", d)
	}
	if !slices.Contains(d.ByApplication, Count{Key: "holder_app", Sessions: 1}) ||
		!slices.Contains(d.ByState, StateCount{State: "idle in transaction", Sessions: 1}) {
		t.Errorf("groups %+v %+v", d.ByApplication, d.ByState)
	}
}
