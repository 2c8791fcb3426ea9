package c007

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestHoldersAndSlots plants every kind of holder at once: a standby's slot that kept
// the standby's xmin after it went away, an inactive slot retaining WAL, a session
// holding a snapshot and a prepared transaction. Each must be found and named.
func TestHoldersAndSlots(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "10"}})
	checktest.Run(t, cl, New(), checktest.Options{}).MustStatus(t, checks.StatusOK)

	cl.MustExec(t, "postgres", "SELECT pg_create_physical_replication_slot('sb_slot'); CREATE TABLE t (i int)")
	s := pgtest.StandbyForTest(t, cl, map[string]string{"primary_slot_name": "'sb_slot'", "hot_standby_feedback": "on"})
	prim := connect(t, cl)
	waitFor(t, prim, "SELECT xmin IS NOT NULL FROM pg_replication_slots WHERE slot_name = 'sb_slot'")
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, prim, "SELECT NOT active FROM pg_replication_slots WHERE slot_name = 'sb_slot'")
	// A transaction ID used after the standby left makes its slot the oldest holder.
	cl.MustExec(t, "postgres", "SELECT pg_create_physical_replication_slot('retain_wal', true); INSERT INTO t VALUES (0)")

	holder := connect(t, cl)
	for _, q := range []string{"SET application_name = 'holder_app'", "BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT 1"} {
		if _, err := holder.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	holderPID := holder.PgConn().PID()
	cl.MustExec(t, "postgres", "BEGIN; INSERT INTO t VALUES (1); PREPARE TRANSACTION 'pgcheckup_gid'")
	t.Cleanup(func() { cl.Exec(ctx, "postgres", "ROLLBACK PREPARED 'pgcheckup_gid'") })
	// Some WAL for the slots to retain, and transactions to age every xmin.
	cl.MustExec(t, "postgres", "CREATE TABLE w AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000) g")
	for i := range 3 {
		cl.MustExec(t, "postgres", fmt.Sprintf("INSERT INTO t VALUES (%d)", i))
	}

	c := New()
	c.cfg.InactiveSlotWALMB, c.cfg.XminAgeP3 = 2, 1
	r := checktest.Run(t, cl, c, checktest.Options{})
	named := func(code string, obj checks.Name, text string) {
		t.Helper()
		for _, f := range r.WithCode(code) {
			if slices.Contains(f.Objects, obj) && strings.Contains(f.Conclusion, text) {
				return
			}
		}
		t.Errorf("no %s naming %s (%q) in %+v", code, obj, text, r.Findings)
	}
	named("C007/inactive-slot-retains-wal", "retain_wal", "`retain_wal`")
	named("C007/xmin-held-by-slot", "sb_slot", "`sb_slot`")
	named("C007/xmin-held-by-backend", "holder_app", fmt.Sprintf("pid %d", holderPID))
	named("C007/xmin-held-by-prepared-transaction", "pgcheckup_gid", "`pgcheckup_gid`")
	for _, f := range r.WithCode("C007/inactive-slot-retains-wal") {
		if f.Severity != checks.P1 {
			t.Errorf("severity %v", f.Severity)
		}
	}

	var d Data
	r.Decode(t, &d)
	if len(d.Holders) < 3 || d.Holders[0].Kind != "slot" || d.Holders[0].Name != "sb_slot" {
		t.Errorf("the standby's slot is the oldest holder: %+v", d.Holders)
	}
	for _, sl := range d.Slots {
		if sl.Name == "retain_wal" && (sl.Active || sl.RetainedBytes == nil || *sl.RetainedBytes < 2<<20 || (cl.Major >= 13) != (sl.WALStatus != nil)) {
			t.Errorf("retain_wal: %+v", sl)
		}
	}
}

func connect(t *testing.T, cl *pgtest.Cluster) *pgx.Conn {
	t.Helper()
	conn, err := cl.Connect(context.Background(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func waitFor(t *testing.T, conn *pgx.Conn, q string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok *bool
		err := conn.QueryRow(context.Background(), q).Scan(&ok)
		if err == nil && ok != nil && *ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never true: %s (%v)", q, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
