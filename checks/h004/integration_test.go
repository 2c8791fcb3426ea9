package h004

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE TABLE t (c1 int, c2 int, c23 int, x int, u int, v text, w int);
INSERT INTO t SELECT g, g, g, g, g, g::text, g FROM generate_series(1, 2000) g;
CREATE INDEX t_c1_c2 ON t (c1, c2);
CREATE INDEX t_c1_c23 ON t (c1, c23);        -- trap: (c1, c2) is no prefix of (c1, c23)
CREATE INDEX t_c1 ON t (c1);                 -- redundant to both of them
CREATE INDEX t_c23_c1 ON t (c23, c1);
CREATE INDEX t_c23 ON t (c23);               -- redundant to t_c23_c1
CREATE UNIQUE INDEX t_u ON t (u);            -- unique: never dropped for t_u_x
CREATE INDEX t_u_x ON t (u, x);
CREATE INDEX t_x_partial ON t (x) WHERE x > 0; -- different predicate from t_x_w
CREATE INDEX t_x_w ON t (x, w);
CREATE INDEX t_w_desc ON t (w DESC);          -- ordering differs from t_w_v
CREATE INDEX t_w_v ON t (w, v);
CREATE INDEX t_v_pattern ON t (v text_pattern_ops); -- other operator class than t_v_x
CREATE INDEX t_v_x ON t (v, x);
CREATE INDEX t_lower ON t (lower(v));
CREATE INDEX t_lower_x ON t (lower(v), x);    -- t_lower redundant
CREATE INDEX t_upper ON t (upper(v));         -- different expression
CREATE INDEX t_inc ON t (w) INCLUDE (c1);     -- include not covered by t_w_v
CREATE TABLE d (id int PRIMARY KEY, a int, b int);
INSERT INTO d SELECT g, g, g FROM generate_series(1, 2000) g;
CREATE UNIQUE INDEX d_id_again ON d (id);     -- duplicate of the primary key: drop this one
CREATE INDEX d_a_1 ON d (a);
CREATE INDEX d_a_2 ON d (a);                  -- exact duplicate: the newer one goes
CREATE INDEX d_b_hash ON d USING hash (b);
CREATE INDEX d_b_btree ON d (b);              -- other access method: not a duplicate
ANALYZE;
`

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]Index{}
	for _, x := range d.Indexes {
		got[x.Drop] = x
	}
	want := map[checks.Name]struct {
		keep checks.Name
		dup  bool
	}{
		"t_c1":       {"t_c1_c2", false}, // of two equally wide keepers, the older
		"t_c23":      {"t_c23_c1", false},
		"t_lower":    {"t_lower_x", false},
		"d_id_again": {"d_pkey", true},
		"d_a_2":      {"d_a_1", true},
	}
	for drop, w := range want {
		x, ok := got[drop]
		if !ok {
			t.Errorf("%s not reported (got %v)", drop, d.Indexes)
			continue
		}
		if x.Keep != w.keep || x.Duplicate != w.dup || x.DropBytes == nil || *x.DropBytes <= 0 || x.Locked {
			t.Errorf("%s: keep %s dup %v bytes %v locked %v, want keep %s dup %v", drop, x.Keep, x.Duplicate, x.DropBytes, x.Locked, w.keep, w.dup)
		}
	}
	if len(d.Indexes) != len(want) || d.Total != len(want) {
		t.Errorf("got %d indexes (total %d), want %d: %+v", len(d.Indexes), d.Total, len(want), d.Indexes)
	}
	for _, x := range d.Indexes {
		if x.Drop == "d_pkey" || x.Drop == "t_u" || x.Drop == "t_c1_c2" || x.Drop == "t_c1_c23" {
			t.Errorf("proposes dropping %s, which backs a constraint or is unique", x.Drop)
		}
	}
	if x := got["t_c23"]; x.DropSQL != "DROP INDEX CONCURRENTLY public.t_c23;" ||
		x.DropDef != "CREATE INDEX t_c23 ON public.t USING btree (c23)" {
		t.Errorf("statements: %q / %q", x.DropSQL, x.DropDef)
	}
	if n := len(r.WithCode("H004/duplicate-index")); n != 2 {
		t.Errorf("%d duplicate findings, want 2", n)
	}
	if n := len(r.WithCode("H004/redundant-index")); n != 3 {
		t.Errorf("%d redundant findings, want 3", n)
	}

	// Dropping what it proposes leaves nothing to report, and the kept indexes remain.
	for _, x := range d.Indexes {
		cl.MustExec(t, "postgres", string(x.DropSQL))
	}
	r = checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)

	// The limit is applied on the server.
	cl.MustExec(t, "postgres", "CREATE INDEX again1 ON t (c23); CREATE INDEX again2 ON d (a); ANALYZE")
	c := New()
	c.cfg.TopN = 1
	r = checktest.Run(t, cl, c, checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	if len(d.Indexes) != 1 || d.Total != 2 || !d.Truncated {
		t.Errorf("top_n 1: %d indexes, total %d", len(d.Indexes), d.Total)
	}
}

func TestPartitionedAndUnique(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE p (a int, b int) PARTITION BY RANGE (a);
		CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (100);
		CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (100) TO (200);
		CREATE INDEX p_a ON p (a);
		CREATE INDEX p_a_b ON p (a, b);
		CREATE INDEX p1_a_local ON p1 (a);  -- a local duplicate of p1's attached index
		-- unique indexes that enforce different things are not duplicates
		CREATE TABLE q (a int UNIQUE DEFERRABLE);
		CREATE UNIQUE INDEX q_a ON q (a);`)
	if cl.Major >= 15 {
		cl.MustExec(t, "postgres", `CREATE TABLE n (a int);
			CREATE UNIQUE INDEX n_plain ON n (a);
			CREATE UNIQUE INDEX n_nnd ON n (a) NULLS NOT DISTINCT;`)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]Index{}
	for _, x := range d.Indexes {
		got[x.Drop] = x
	}
	// The partitioned index is reported once, without CONCURRENTLY; the partitions'
	// attached indexes are not reported on their own.
	if x, ok := got["p_a"]; !ok || !x.Partitioned || x.Keep != "p_a_b" || x.DropSQL != "DROP INDEX public.p_a;" {
		t.Errorf("p_a: %+v", x)
	}
	if _, ok := got["p1_a_local"]; !ok {
		t.Errorf("local duplicate on a partition not reported: %+v", d.Indexes)
	}
	if len(d.Indexes) != 2 {
		t.Errorf("got %+v", d.Indexes)
	}

	// A unique index a foreign key references stays, even where a wider one could serve
	// its searches; the same pair without the foreign key is reported.
	cl.MustExec(t, "postgres", "CREATE DATABASE fkref")
	cl.MustExec(t, "fkref", `CREATE TABLE fr (x int, y int);
		CREATE UNIQUE INDEX fr_x ON fr (x);
		CREATE UNIQUE INDEX fr_x_inc ON fr (x) INCLUDE (y);
		CREATE TABLE fc (x int REFERENCES fr (x));
		CREATE TABLE gr (x int, y int);
		CREATE UNIQUE INDEX gr_x ON gr (x);
		CREATE UNIQUE INDEX gr_x_inc ON gr (x) INCLUDE (y);`)
	r = checktest.Run(t, cl, New(), checktest.Options{DB: "fkref"})
	d = Data{}
	r.Decode(t, &d)
	if len(d.Indexes) != 1 || d.Indexes[0].Drop != "gr_x" || d.Indexes[0].Keep != "gr_x_inc" {
		t.Errorf("referenced unique index: got %+v, want only gr_x (fr_x backs the foreign key)", d.Indexes)
	}
}
