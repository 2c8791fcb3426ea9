package a004

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	// Small shared_buffers so that scanning a 13 MB table misses the cache; a short
	// deadlock_timeout so the planted deadlock resolves quickly.
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"shared_buffers": "16MB", "deadlock_timeout": "100ms"}})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE ROLE nobody LOGIN")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if d.Role != "primary" || d.UptimeSeconds <= 0 || d.StartedAt.IsZero() || d.MaxConnections != 100 || d.Connections < 1 {
		t.Fatalf("cluster: %+v", d)
	}
	if want := map[bool]checks.Label{true: "pg_stat_checkpointer", false: "pg_stat_bgwriter"}[cl.Major >= 17]; d.CheckpointSource != want {
		t.Errorf("checkpoint source %s, want %s", d.CheckpointSource, want)
	}
	if len(d.Databases) != 3 || d.SizeUnknown != 2 || d.TotalSizeBytes <= 0 {
		t.Fatalf("databases: %+v", d.Databases)
	}

	plant(t, cl)
	c := New()
	c.cfg.CacheHitMinBlocks, c.cfg.CommitMinXacts, c.cfg.TempBytesInfo = 10_000, 100, 1<<20
	want := []string{"A004/low-cache-hit", "A004/low-commit-ratio", "A004/deadlocks", "A004/temp-files"}
	deadline := time.Now().Add(15 * time.Second)
	for {
		// Counters reach the statistics when the fixture's sessions end; wait for them.
		r = checktest.Run(t, cl, c, checktest.Options{})
		d = Data{}
		r.Decode(t, &d)
		if (len(r.Findings) == len(want) && d.Checkpoints.Requested > 0) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	r.MustStatus(t, checks.StatusFindings)
	for _, code := range want {
		f := r.WithCode(code)
		if len(f) != 1 || len(f[0].Objects) != 1 || f[0].Objects[0] != "cold" {
			t.Errorf("%s: %+v (all: %+v)", code, f, r.Findings)
		}
	}
	if len(r.Findings) != len(want) || d.Checkpoints.Requested < 1 {
		t.Fatalf("findings %+v, checkpoints %+v", r.Findings, d.Checkpoints)
	}
	cold := find(d, "cold")
	if cold == nil || cold.Deadlocks != 1 || cold.TempFiles < 1 || cold.Rollbacks < 200 || cold.StatsReset == nil || cold.SizeSource != SizeNotMeasured {
		t.Fatalf("cold: %+v", cold)
	}

	// A role that may not connect to a database gets no size for it, and no error.
	cl.MustExec(t, "postgres", "REVOKE CONNECT ON DATABASE cold FROM PUBLIC")
	exact := New()
	exact.cfg.ExactDatabaseSizes = true
	r = checktest.Run(t, cl, exact, checktest.Options{Role: "nobody"})
	d = Data{}
	r.Decode(t, &d)
	if r.Status == checks.StatusError || d.SizeUnknown != 1 || find(d, "cold").SizeBytes != nil || find(d, "postgres").SizeBytes == nil ||
		d.Connections != 1 || d.ConnectionsHidden == 0 {
		t.Fatalf("as nobody: %s %s, %+v", r.Status, r.Reason, d.Databases)
	}
	// pg_monitor includes pg_read_all_stats, which may read every size.
	r = checktest.Run(t, cl, exact, checktest.Options{Role: "mon"})
	d = Data{}
	r.Decode(t, &d)
	if r.Status == checks.StatusError || d.SizeUnknown != 0 || d.ConnectionsHidden != 0 {
		t.Fatalf("as mon: %s %s, %+v", r.Status, r.Reason, d.Databases)
	}

	sb := pgtest.StandbyForTest(t, cl, nil)
	r = checktest.Run(t, sb, New(), checktest.Options{Role: "mon"})
	d = Data{}
	r.Decode(t, &d)
	if r.Status == checks.StatusError || d.Role != "standby" {
		t.Fatalf("standby: %s %s, role %s", r.Status, r.Reason, d.Role)
	}
}

// plant makes, in database cold: block reads that miss shared_buffers, 200 rollbacks,
// a sort spilling to a temporary file and one deadlock; and a requested checkpoint.
func plant(t *testing.T, cl *pgtest.Cluster) {
	cl.MustExec(t, "postgres", "CREATE DATABASE cold")
	cl.MustExec(t, "cold", "CREATE TABLE t AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 100000) g")
	cl.MustExec(t, "cold", "CHECKPOINT")
	cl.MustExec(t, "cold", "SELECT pg_catalog.pg_stat_reset()")
	cl.MustExec(t, "cold", strings.Repeat("SELECT sum(id) FROM t;", 5))
	cl.MustExec(t, "cold", strings.Repeat("BEGIN; SELECT 1; ROLLBACK;", 200))
	cl.MustExec(t, "cold", "SET work_mem = '64kB'; SELECT sum(id) FROM (SELECT id FROM t ORDER BY pad, id DESC) s")

	ctx := context.Background()
	c1, err := cl.Connect(ctx, "cold")
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close(ctx)
	c2, err := cl.Connect(ctx, "cold")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close(ctx)
	if _, err := c1.Exec(ctx, "BEGIN; UPDATE t SET pad = pad WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.Exec(ctx, "BEGIN; UPDATE t SET pad = pad WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { _, err := c1.Exec(ctx, "UPDATE t SET pad = pad WHERE id = 2"); errc <- err }()
	_, err2 := c2.Exec(ctx, "UPDATE t SET pad = pad WHERE id = 1")
	err1 := <-errc
	if (err1 == nil) == (err2 == nil) || !strings.Contains(errString(err1)+errString(err2), "deadlock") {
		t.Fatalf("want exactly one deadlock error, got %v and %v", err1, err2)
	}
	for _, c := range []*pgx.Conn{c1, c2} {
		if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func find(d Data, name string) *Database {
	for i := range d.Databases {
		if d.Databases[i].Name == checks.Name(name) {
			return &d.Databases[i]
		}
	}
	return nil
}

// TestChecksumFailure corrupts a page on disk and reads it back. It needs data checksums,
// which initdb turns on by default from PostgreSQL 18 on.
func TestChecksumFailure(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	var checksums, path string
	err = conn.QueryRow(ctx, "SELECT current_setting('data_checksums')").Scan(&checksums)
	if err == nil && checksums == "on" {
		_, err = conn.Exec(ctx, "CREATE TABLE c AS SELECT g AS id FROM generate_series(1, 1000) g; CHECKPOINT")
	}
	if err == nil && checksums == "on" {
		err = conn.QueryRow(ctx, "SELECT pg_relation_filepath('c')").Scan(&path)
	}
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if checksums != "on" {
		t.Skipf("data checksums are off on PostgreSQL %d", cl.Major)
	}
	if err := cl.Stop(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(cl.DataDir(), path), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteAt([]byte("corrupt"), 4000)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cl.Exec(ctx, "postgres", "SELECT sum(id) FROM c"); err == nil || !strings.Contains(err.Error(), "invalid page") {
		t.Fatalf("reading the corrupted page: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := checktest.Run(t, cl, New(), checktest.Options{})
		f := r.WithCode("A004/checksum-failures")
		if len(f) == 1 {
			if f[0].Severity != checks.P2 || len(f[0].Objects) != 1 || f[0].Objects[0] != "postgres" {
				t.Fatalf("finding %+v", f[0])
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checksum-failures finding: %+v", r.Findings)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
