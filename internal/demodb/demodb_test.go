package demodb

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestStatements(t *testing.T) {
	got := Statements("-- a comment\nCREATE INDEX CONCURRENTLY a ON t (x);\n\n-- another\n;\nVACUUM t;\nSELECT 1;")
	want := []string{"CREATE INDEX CONCURRENTLY a ON t (x)", "VACUUM t", "SELECT 1"}
	if !slices.Equal(got, want) {
		t.Fatalf("Statements = %q, want %q", got, want)
	}
	for _, name := range []string{"concurrent.sql", "billing_concurrent.sql"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", name))
		if err != nil {
			t.Fatal(err)
		}
		st := Statements(string(b))
		if len(st) != 1 || !strings.HasPrefix(st[0], "CREATE UNIQUE INDEX CONCURRENTLY") {
			t.Errorf("%s: statements %q, want the one unique index build", name, st)
		}
	}
}

// TestLoadCluster loads what the demo shows and connects as the monitoring role. It
// takes a few seconds more than the demo database alone, so it runs only with
// PGCHECKUP_DEMO_TEST=1 (the demo itself exercises it on every `make demo`).
func TestLoadCluster(t *testing.T) {
	if os.Getenv("PGCHECKUP_DEMO_TEST") == "" {
		t.Skip("set PGCHECKUP_DEMO_TEST=1 to load the demo cluster")
	}
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	if err := LoadCluster(ctx, cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	connect := func(db, password string) (*pgx.Conn, error) {
		cs := cl.ConnStringAs(Monitor, db)
		if password != "" {
			cs += " password=" + password
		}
		return pgx.Connect(ctx, cs)
	}
	if c, err := connect(Name, ""); err == nil {
		c.Close(ctx)
		t.Fatal("the monitoring role connected without a password")
	}
	if _, err := connect(Restricted, MonitorPassword); err == nil || !strings.Contains(err.Error(), "permission denied for database") {
		t.Fatalf("connect to %s: %v, want permission denied", Restricted, err)
	}
	for _, db := range []string{Name, Billing} {
		c, err := connect(db, MonitorPassword)
		if err != nil {
			t.Fatalf("connect to %s: %v", db, err)
		}
		var super, monitor bool
		var invalid int
		err = c.QueryRow(ctx, `SELECT r.rolsuper, pg_catalog.pg_has_role(r.oid, 'pg_monitor', 'MEMBER'),
			(SELECT count(*) FROM pg_catalog.pg_index WHERE NOT indisvalid)
			FROM pg_catalog.pg_roles r WHERE r.rolname = current_user`).Scan(&super, &monitor, &invalid)
		c.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if super || !monitor {
			t.Errorf("%s: superuser %v, pg_monitor %v; want a non-superuser member of pg_monitor", db, super, monitor)
		}
		if invalid != 1 {
			t.Errorf("%s: %d invalid indexes, want the 1 planted", db, invalid)
		}
	}
}
