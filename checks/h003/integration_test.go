package h003

import (
	"context"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE TABLE parent (id int PRIMARY KEY, a int, b int, UNIQUE (a, b));
INSERT INTO parent SELECT g, g, g FROM generate_series(1, 1000) g;
CREATE TABLE plain (pid int REFERENCES parent);                        -- no index at all
INSERT INTO plain SELECT g % 900 + 1 FROM generate_series(1, 5000) g;
CREATE TABLE other_order (pid int REFERENCES parent, b int);           -- FK (pid), index (b, pid)
CREATE INDEX ON other_order (b, pid);
CREATE TABLE swapped (a int, b int, FOREIGN KEY (a, b) REFERENCES parent (a, b)); -- FK (a, b), index (b, a)
CREATE INDEX ON swapped (b, a);
CREATE TABLE gap (a int, x int, b int, FOREIGN KEY (a, b) REFERENCES parent (a, b)); -- index (a, x, b)
CREATE INDEX ON gap (a, x, b);
CREATE TABLE partial (pid int REFERENCES parent);
CREATE INDEX ON partial (pid) WHERE pid > 0;
CREATE TABLE expr (pid int REFERENCES parent);
CREATE INDEX ON expr ((pid + 0));
CREATE TABLE indexed (pid int REFERENCES parent);
CREATE INDEX ON indexed (pid);
CREATE TABLE wider (a int, b int, c int, FOREIGN KEY (a, b) REFERENCES parent (a, b));
CREATE INDEX ON wider (a, b, c);
CREATE TABLE cross_type (pid bigint REFERENCES parent);
CREATE INDEX ON cross_type (pid);
CREATE TABLE parted (pid int REFERENCES parent, k int) PARTITION BY RANGE (k);
CREATE TABLE parted1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE parted2 PARTITION OF parted FOR VALUES FROM (10) TO (20);
CREATE INDEX ON parted1 (pid);
CREATE TABLE parted_ok (pid int REFERENCES parent, k int) PARTITION BY RANGE (k);  -- partitioned index
CREATE TABLE parted_ok1 PARTITION OF parted_ok FOR VALUES FROM (0) TO (10);
CREATE INDEX ON parted_ok (pid);
CREATE TABLE ref_parted (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE ref_parted1 PARTITION OF ref_parted FOR VALUES FROM (0) TO (100);
CREATE TABLE ref_parted2 PARTITION OF ref_parted FOR VALUES FROM (100) TO (200);
INSERT INTO ref_parted SELECT generate_series(0, 199);
CREATE TABLE to_parted (rid int REFERENCES ref_parted);               -- reported once, not per partition
DELETE FROM parent WHERE id > 990;
UPDATE parent SET a = a WHERE id < 10;
ANALYZE;
`

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	waitForWrites(t, cl, "parent")

	c := New()
	c.cfg.LargeTableBytes = 8192
	r := checktest.Run(t, cl, c, checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]FK{}
	for _, f := range d.FKs {
		got[f.Table] = f
	}
	for _, table := range []checks.Name{"plain", "other_order", "gap", "partial", "expr", "parted", "to_parted"} {
		if _, ok := got[table]; !ok {
			t.Errorf("FK of %s not reported as unindexed (got %v)", table, keys(got))
		}
	}
	// An index on (b, a) serves the lookup "a = $1 AND b = $2" as well as (a, b) does.
	for _, table := range []checks.Name{"swapped", "indexed", "wider", "cross_type", "parted_ok"} {
		if _, ok := got[table]; ok {
			t.Errorf("FK of %s reported although an index supports it", table)
		}
	}
	if len(d.FKs) != 7 || d.Total != 7 {
		t.Errorf("got %d FKs (total %d), want 7: %v", len(d.FKs), d.Total, keys(got))
	}
	if tp := got["to_parted"]; tp.RefTable != "ref_parted" || tp.RefBytes < 2*8192 || tp.RefWrites == nil || tp.Partitioned {
		t.Errorf("to_parted: %+v", tp)
	}
	p := got["plain"]
	if p.Fix != "CREATE INDEX CONCURRENTLY ON public.plain (pid);" || p.RefWrites == nil || *p.RefWrites < 19 ||
		p.TableBytes < 8192 || p.TableRows != 5000 || p.RefTable != "parent" || p.RefBytes < 8192 {
		t.Errorf("plain: %+v", p)
	}
	if g := got["gap"]; len(g.Columns) != 2 || g.Columns[0] != "a" || g.Fix != "CREATE INDEX CONCURRENTLY ON public.gap (a, b);" {
		t.Errorf("gap: %+v", g)
	}
	if pt := got["parted"]; !pt.Partitioned || pt.Partitions != 2 || pt.Unindexed != 1 || pt.Fix != "CREATE INDEX ON public.parted (pid);" {
		t.Errorf("parted: %+v", pt)
	}
	sev := map[string]checks.Severity{}
	for _, f := range r.WithCode("H003/fk-without-index") {
		sev[string(f.Objects[0])] = f.Severity
	}
	if sev["public.plain"] != checks.P2 || sev["public.other_order"] != checks.P3 {
		t.Errorf("severities: %v", sev)
	}

	// The limit is applied on the server; the total still counts every unindexed FK.
	c.cfg.TopN = 2
	r = checktest.Run(t, cl, c, checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	if len(d.FKs) != 2 || d.Total != 7 || d.FKs[0].Table != "plain" {
		t.Errorf("top_n 2: got %d FKs, total %d, first %s", len(d.FKs), d.Total, d.FKs[0].Table)
	}

	// A role with only pg_monitor sees the same.
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	d = Data{}
	r.Decode(t, &d)
	if d.Total != 7 {
		t.Errorf("as pg_monitor: total %d, want 7", d.Total)
	}
}

func TestCleanDatabase(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE DATABASE clean")
	cl.MustExec(t, "clean", `CREATE TABLE p (id int PRIMARY KEY);
		CREATE TABLE c (pid int REFERENCES p); CREATE INDEX ON c (pid);`)
	r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean"})
	r.MustStatus(t, checks.StatusOK)

	// A text key is supported by an index with its column's collation only (judge reads
	// the collation of those columns).
	cl.MustExec(t, "clean", `CREATE TABLE tp (code text PRIMARY KEY);
		CREATE TABLE t_same (code text REFERENCES tp); CREATE INDEX ON t_same (code);
		CREATE TABLE t_c (code text REFERENCES tp); CREATE INDEX ON t_c (code COLLATE "C");`)
	r = checktest.Run(t, cl, New(), checktest.Options{DB: "clean"})
	var d Data
	r.Decode(t, &d)
	if d.Total != 1 || len(d.FKs) != 1 || d.FKs[0].Table != "t_c" {
		t.Errorf("text keys: got %+v, want only t_c (its index has another collation)", d.FKs)
	}
}

func keys(m map[checks.Name]FK) []checks.Name {
	var out []checks.Name
	for k := range m {
		out = append(out, k)
	}
	return out
}

// waitForWrites waits until the statistics system shows the fixture's deletes on table
// (they reach it asynchronously).
func waitForWrites(t *testing.T, cl *pgtest.Cluster, table string) {
	t.Helper()
	ctx := context.Background()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		conn, err := cl.Connect(ctx, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		err = conn.QueryRow(ctx, "SELECT coalesce(n_tup_del, 0) FROM pg_stat_user_tables WHERE relname = $1", table).Scan(&n)
		conn.Close(ctx)
		if err == nil && n > 0 {
			return
		}
	}
	t.Fatalf("statistics never showed the deletes on %s", table)
}
