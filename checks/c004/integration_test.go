package c004

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestSnapshotConflict plants a real recovery conflict: a standby without feedback that
// cancels conflicting queries at once, a repeatable-read transaction on it reading a
// table, and the primary deleting and vacuuming that table's rows. Replay must remove row
// versions the transaction's snapshot can see, so it cancels the transaction and counts a
// snapshot conflict. Then the feedback settings change the finding's severity.
func TestSnapshotConflict(t *testing.T) {
	pgtest.MultiServer(t)
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE plain LOGIN; CREATE TABLE t (i int); INSERT INTO t SELECT generate_series(1, 1000)")
	s := pgtest.StandbyForTest(t, cl, map[string]string{"hot_standby_feedback": "off", "max_standby_streaming_delay": "0"})
	stby := connect(t, s)
	waitFor(t, stby, "SELECT count(*) = 1000 FROM t")

	// The primary: settings and counters, never findings.
	pr := checktest.Run(t, cl, New(), checktest.Options{})
	pr.MustStatus(t, checks.StatusOK)
	var d Data
	pr.Decode(t, &d)
	if d.InRecovery || len(d.Databases) != 0 || d.Totals.Total() != 0 || len(d.Settings) < 8 {
		t.Fatalf("primary data %+v", d)
	}
	// A clean standby, as a role without any privilege.
	sr := checktest.Run(t, s, New(), checktest.Options{Role: "plain"})
	sr.MustStatus(t, checks.StatusOK)

	reader := connect(t, s)
	for _, q := range []string{"BEGIN ISOLATION LEVEL REPEATABLE READ", "SELECT count(*) FROM t"} {
		if _, err := reader.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	cl.MustExec(t, "postgres", "DELETE FROM t")
	cl.MustExec(t, "postgres", "VACUUM t")
	waitFor(t, stby, "SELECT confl_snapshot > 0 FROM pg_stat_database_conflicts WHERE datname = 'postgres'")
	if _, err := reader.Exec(ctx, "SELECT count(*) FROM t"); err == nil {
		t.Errorf("the reader's transaction was not cancelled")
	}

	sr = checktest.Run(t, s, New(), checktest.Options{Role: "plain"})
	f := sr.WithCode("C004/snapshot-conflicts")
	if len(f) != 1 || f[0].Severity != checks.P2 || !slices.Contains(f[0].Objects, "postgres") {
		t.Fatalf("feedback off: %+v", sr.Findings)
	}
	sr.Decode(t, &d)
	if !d.InRecovery || d.Totals.Snapshot < 1 || d.ConflictDatabases != 1 || len(d.Databases) != 1 || d.Databases[0].Name != "postgres" ||
		d.Feedback || d.StreamingDelaySec != 0 || (s.Major >= 16) != (d.Totals.ActiveLogicalSlot != nil) {
		t.Errorf("standby data %+v", d)
	}
	md := sr.Markdown(t, "C004")
	if !strings.Contains(md, "| `postgres` | ") || !strings.Contains(md, "This node is a standby answering queries") {
		t.Errorf("markdown:\n%s", md)
	}
	checktest.TableRows(t, md, 2, 4, 8)
	// The primary still has nothing to say.
	if pr := checktest.Run(t, cl, New(), checktest.Options{}); len(pr.Findings) != 0 {
		t.Errorf("primary findings %+v", pr.Findings)
	}

	// Feedback on but never sent: still P2, and the setting is its own finding.
	s.MustExec(t, "postgres", "ALTER SYSTEM SET hot_standby_feedback = on")
	s.MustExec(t, "postgres", "ALTER SYSTEM SET wal_receiver_status_interval = 0")
	reload(t, s, stby, "SELECT current_setting('wal_receiver_status_interval') = '0'")
	sr = checktest.Run(t, s, New(), checktest.Options{})
	if f := sr.WithCode("C004/snapshot-conflicts"); len(f) != 1 || f[0].Severity != checks.P2 {
		t.Errorf("feedback not sent: %+v", sr.Findings)
	}
	if f := sr.WithCode("C004/feedback-not-sent"); len(f) != 1 || f[0].Severity != checks.P3 {
		t.Errorf("feedback not sent: %+v", sr.Findings)
	}

	// Feedback on and sent: the old conflicts are P3.
	s.MustExec(t, "postgres", "ALTER SYSTEM RESET wal_receiver_status_interval")
	reload(t, s, stby, "SELECT current_setting('wal_receiver_status_interval') <> '0'")
	sr = checktest.Run(t, s, New(), checktest.Options{})
	if f := sr.WithCode("C004/snapshot-conflicts"); len(f) != 1 || f[0].Severity != checks.P3 || len(sr.Findings) != 1 {
		t.Errorf("feedback on: %+v", sr.Findings)
	}
}

func reload(t *testing.T, s *pgtest.Cluster, conn *pgx.Conn, until string) {
	t.Helper()
	s.MustExec(t, "postgres", "SELECT pg_reload_conf()")
	waitFor(t, conn, until)
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
