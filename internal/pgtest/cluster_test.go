package pgtest

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestClusterAndStandby(t *testing.T) {
	ctx := context.Background()
	c := ForTest(t, Options{})
	c.MustExec(t, "postgres", "CREATE TABLE t(id int); INSERT INTO t SELECT generate_series(1,10)")
	s := StandbyForTest(t, c, nil)

	conn, err := pgx.Connect(ctx, s.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var inRecovery bool
	if err := conn.QueryRow(ctx, "select pg_is_in_recovery()").Scan(&inRecovery); err != nil || !inRecovery {
		t.Fatalf("standby in recovery = %v, %v", inRecovery, err)
	}
	c.MustExec(t, "postgres", "INSERT INTO t VALUES (11)")
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := conn.QueryRow(ctx, "select count(*) from t").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 11 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("standby did not replay the insert: %d rows", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
	pconn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer pconn.Close(ctx)
	var state string
	if err := pconn.QueryRow(ctx, "select state from pg_stat_replication").Scan(&state); err != nil || state != "streaming" {
		t.Fatalf("replication state %q, %v", state, err)
	}
}

// scalar is the one value sql returns on c, as text.
func scalar(t *testing.T, c *Cluster, sql string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v string
	if err := conn.QueryRow(ctx, sql).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Clusters are copies of one kept initdb; each must still be a system of its own, as
// pgcheckup tells clusters apart by the identifier, while a standby shares its primary's.
func TestClustersHaveTheirOwnSystemID(t *testing.T) {
	sysid := func(c *Cluster) string {
		return scalar(t, c, "select system_identifier::text from pg_control_system()")
	}
	a, b := ForTest(t, Options{}), ForTest(t, Options{})
	s := StandbyForTest(t, a, nil)
	ida, idb, ids := sysid(a), sysid(b), sysid(s)
	if ida == idb {
		t.Errorf("two clusters share system identifier %s", ida)
	}
	if ids != ida {
		t.Errorf("standby's system identifier %s, its primary's %s", ids, ida)
	}
	tmpl, err := os.ReadFile(filepath.Join(templateDir(a.Bin, a.Version), "data", "global", "pg_control"))
	if err != nil {
		t.Fatal(err)
	}
	if id := strconv.FormatUint(binary.NativeEndian.Uint64(tmpl), 10); id == ida || id == idb {
		t.Errorf("a cluster kept the template's system identifier %s", id)
	}
}

// A cluster's statistics start at its first start, not at the day its template was made.
func TestClusterStatisticsStartWithIt(t *testing.T) {
	c := ForTest(t, Options{})
	if scalar(t, c, "select (stats_reset >= pg_postmaster_start_time())::text from pg_stat_bgwriter") != "true" {
		t.Error("the cluster's statistics were reset before it started: they came from its template")
	}
}
