package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestSessionLimits shows from the server's side that a pgcheckup session is read-only
// with the configured timeouts and application name.
func TestSessionLimits(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	// Role and database settings must not move the search_path off pg_catalog.
	cl.MustExec(t, "postgres", `CREATE SEQUENCE s; ALTER ROLE postgres SET search_path = public;
		ALTER DATABASE postgres SET search_path = public; ALTER ROLE postgres IN DATABASE postgres SET search_path = public`)
	cfg, err := pgx.ParseConfig(cl.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Connect(ctx, cfg, Options{StatementTimeout: 12 * time.Second, LockTimeout: 150 * time.Millisecond, ConnectTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)

	var ro, st, lt, app, path string
	err = s.QueryRow(ctx, `/* pgcheckup test */ SELECT current_setting('transaction_read_only'),
		current_setting('statement_timeout'), current_setting('lock_timeout'), current_setting('application_name'),
		current_setting('search_path')`).Scan(&ro, &st, &lt, &app, &path)
	if err != nil {
		t.Fatal(err)
	}
	if ro != "on" || st != "12s" || lt != "150ms" || app != "pgcheckup" || path != SearchPath {
		t.Fatalf("session settings: read_only=%s statement_timeout=%s lock_timeout=%s application_name=%s search_path=%s", ro, st, lt, app, path)
	}
	// The server refuses writes in this session, even through a function.
	err = s.QueryRow(ctx, `/* pgcheckup test */ SELECT nextval('public.s')`).Scan(new(int64))
	if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Fatalf("nextval in a pgcheckup session: %v, want a read-only error", err)
	}
	// Another session sees it under its application name.
	admin, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var n int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgcheckup'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("pgcheckup sessions in pg_stat_activity: %d, %v", n, err)
	}
	// Statements without the marker are refused before they reach the server.
	if _, err := s.Query(ctx, "SELECT 1"); err == nil {
		t.Fatal("unmarked statement was sent")
	}
}
