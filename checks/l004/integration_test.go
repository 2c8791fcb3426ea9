package l004

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE TABLE nokey (a int, b text);
INSERT INTO nokey SELECT g, g::text FROM generate_series(1, 20000) g;
CREATE TABLE nullable_unique (a int UNIQUE, b int);
CREATE TABLE partial_unique (a int NOT NULL, b int);
CREATE UNIQUE INDEX ON partial_unique (a) WHERE b > 0;
CREATE TABLE deferrable_unique (a int NOT NULL UNIQUE DEFERRABLE);
CREATE TABLE expr_unique (a int NOT NULL);
CREATE UNIQUE INDEX ON expr_unique ((a + 1));
CREATE TABLE with_pk (a int PRIMARY KEY);
CREATE TABLE with_unique (a int NOT NULL, b int NOT NULL, UNIQUE (a, b));
CREATE TABLE parted (a int, k int) PARTITION BY RANGE (k);
CREATE TABLE parted1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE parted2 PARTITION OF parted FOR VALUES FROM (10) TO (20);
INSERT INTO parted SELECT g, g % 20 FROM generate_series(1, 5000) g;
CREATE TABLE parted_pk (a int, k int, PRIMARY KEY (a, k)) PARTITION BY RANGE (k);
CREATE TABLE parted_pk1 PARTITION OF parted_pk FOR VALUES FROM (0) TO (10);
CREATE TABLE published (a int);
CREATE TABLE published_full (a int);
ALTER TABLE published_full REPLICA IDENTITY FULL;
CREATE PUBLICATION pub FOR TABLE published, published_full;
CREATE TABLE inserts_only (a int);
CREATE PUBLICATION pub_ins FOR TABLE inserts_only WITH (publish = 'insert');
ANALYZE;
`

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]Table{}
	for _, x := range d.Tables {
		got[x.Table] = x
	}
	want := []checks.Name{"nokey", "nullable_unique", "partial_unique", "deferrable_unique", "expr_unique", "parted",
		"published", "published_full", "inserts_only"}
	for _, name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("%s not reported", name)
		}
	}
	if len(d.Tables) != len(want) || d.Total != len(want) {
		t.Errorf("got %d tables (total %d), want %d: %+v", len(d.Tables), d.Total, len(want), d.Tables)
	}
	// Largest first; partitions are folded into their partitioned table.
	if d.Tables[0].Table != "nokey" || d.Tables[0].Rows != 20000 || d.Tables[0].Bytes < 8192 {
		t.Errorf("first: %+v", d.Tables[0])
	}
	if p := got["parted"]; !p.Partitioned || p.Partitions != 2 || p.Rows != 5000 || p.Bytes < 8192 {
		t.Errorf("parted: %+v", p)
	}
	if n := got["nullable_unique"]; n.CandidateIndex != "nullable_unique_a_key" || len(n.NullableColumns) != 1 || n.NullableColumns[0] != "a" {
		t.Errorf("nullable_unique: %+v", n)
	}
	if !got["published"].Published || !got["published_full"].Published || got["inserts_only"].Published {
		t.Errorf("published: %+v %+v %+v", got["published"], got["published_full"], got["inserts_only"])
	}
	// What the P1 finding claims: an UPDATE on the published table fails.
	if err := cl.Exec(context.Background(), "postgres", "INSERT INTO published VALUES (1); UPDATE published SET a = 2"); err == nil ||
		!strings.Contains(err.Error(), "replica identity") {
		t.Errorf("UPDATE on published: %v", err)
	}
	p1 := r.WithCode("L004/published-without-replica-identity")
	if len(p1) != 1 || p1[0].Objects[0] != "public.published" || p1[0].Severity != checks.P1 {
		t.Errorf("P1 findings: %+v", p1)
	}
	if n := len(r.WithCode("L004/no-key")); n != len(want)-1 {
		t.Errorf("%d no-key findings, want %d", n, len(want)-1)
	}

	c := New()
	c.cfg.TopN = 2
	r = checktest.Run(t, cl, c, checktest.Options{Role: "postgres"})
	d = Data{}
	r.Decode(t, &d)
	if len(d.Tables) != 2 || d.Total != len(want) || !d.Truncated {
		t.Errorf("top_n 2: %d tables, total %d", len(d.Tables), d.Total)
	}

	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	d = Data{}
	r.Decode(t, &d)
	if d.Total != len(want) {
		t.Errorf("as pg_monitor: total %d", d.Total)
	}
}

func TestCleanDatabase(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE DATABASE clean")
	cl.MustExec(t, "clean", "CREATE TABLE t (id int PRIMARY KEY); CREATE TABLE u (a int NOT NULL UNIQUE);")
	r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean"})
	r.MustStatus(t, checks.StatusOK)
}
