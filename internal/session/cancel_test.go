package session

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestDeadlineKeepsSession: a statement whose context ends is cancelled on the server
// and the session stays usable, so a check that ran out of time costs the next check
// nothing (pgx's default would close the connection).
func TestDeadlineKeepsSession(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cfg, err := pgx.ParseConfig(cl.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Connect(context.Background(), cfg, Options{StatementTimeout: time.Minute, LockTimeout: time.Second, ConnectTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := s.QueryRow(ctx, "/* pgcheckup test */ SELECT pg_sleep(30)").Scan(new(any)); err == nil {
		t.Fatal("pg_sleep(30) under a 200ms deadline returned no error")
	}
	if took := time.Since(start); took > CancelGrace+time.Second {
		t.Errorf("the cancelled statement took %s to end", took)
	}
	var one int
	if err := s.QueryRow(context.Background(), "/* pgcheckup test */ SELECT 1").Scan(&one); err != nil {
		t.Fatalf("session after a cancelled statement: %v", err)
	}
}
