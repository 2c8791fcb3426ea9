package pgtest

import (
	"context"
	"errors"
	"os"
	"testing"
)

// ForTest starts a cluster for t and destroys it when t ends. Without a server on the
// machine the test is skipped with a clear message, unless PGCHECKUP_REQUIRE_PG=1 (set by
// `make test`), where it fails instead.
func ForTest(t testing.TB, opts Options) *Cluster {
	t.Helper()
	c, err := Start(context.Background(), opts)
	if err != nil {
		if errors.Is(err, ErrNoServer) && os.Getenv("PGCHECKUP_REQUIRE_PG") == "" {
			t.Skipf("skipping: %v (set PGCHECKUP_PG_BIN or run `make test`)", err)
		}
		t.Fatalf("start test cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Destroy(); err != nil {
			t.Logf("destroy test cluster: %v", err)
		}
	})
	return c
}

// StandbyForTest adds a standby to c for t.
func StandbyForTest(t testing.TB, c *Cluster, settings map[string]string) *Cluster {
	t.Helper()
	s, err := c.AddStandby(context.Background(), settings)
	if err != nil {
		t.Fatalf("start standby: %v", err)
	}
	t.Cleanup(func() { s.Destroy() })
	return s
}

// MustExec runs SQL as the superuser on db and fails t on error.
func (c *Cluster) MustExec(t testing.TB, db, sql string) {
	t.Helper()
	if err := c.Exec(context.Background(), db, sql); err != nil {
		t.Fatal(err)
	}
}

// Hold runs sql (which opens a transaction: "BEGIN; LOCK TABLE ...") in a session of its
// own on db and keeps that session, and so its locks, until t ends: another session
// holding a lock, as a migration or REINDEX would.
func (c *Cluster) Hold(t testing.TB, db, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := c.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatal(err)
	}
}

// ClusterMajors are the majors that run the tests which start several servers at once (a
// primary with standbys, a subscriber): the ends of the supported range, where catalogs
// and views differ most, and the default server. The others run every single-server test.
var ClusterMajors = []int{12, 15, 18}

// MultiServer skips t on a major outside ClusterMajors, so the per-major matrix keeps
// its time; PGCHECKUP_PG_MAJOR unset means the default server, which always runs.
func MultiServer(t testing.TB) {
	t.Helper()
	m := MajorFromEnv()
	if m == 0 {
		return
	}
	for _, c := range ClusterMajors {
		if c == m {
			return
		}
	}
	t.Skipf("multi-server test: runs on PostgreSQL %v only", ClusterMajors)
}
