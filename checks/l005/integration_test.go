package l005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE TABLE parent (id int PRIMARY KEY);
INSERT INTO parent SELECT generate_series(1, 10);
CREATE TABLE child (pid int, v int);
INSERT INTO child SELECT g, g FROM generate_series(1, 3000) g;
ALTER TABLE child ADD CONSTRAINT child_fk FOREIGN KEY (pid) REFERENCES parent NOT VALID;
ALTER TABLE child ADD CONSTRAINT child_chk CHECK (v > 0) NOT VALID;
CREATE DOMAIN posint AS int;
ALTER DOMAIN posint ADD CONSTRAINT posint_chk CHECK (VALUE > 0) NOT VALID;
CREATE TABLE parted (a int, k int) PARTITION BY RANGE (k);
CREATE TABLE parted1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
ALTER TABLE parted ADD CONSTRAINT parted_chk CHECK (a > 0) NOT VALID;
CREATE TABLE valid (a int CHECK (a > 0), pid int REFERENCES parent);
ANALYZE;
`

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	want := 4
	if cl.Major >= 18 { // NOT NULL constraints can be NOT VALID from 18 on
		cl.MustExec(t, "postgres", "CREATE TABLE nn (a int); ALTER TABLE nn ADD CONSTRAINT nn_a NOT NULL a NOT VALID;")
		want++
	}
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]NotValid{}
	for _, x := range d.NotValid {
		got[x.Constraint] = x
	}
	if len(d.NotValid) != want || d.NotValidTotal != want || len(d.BadFKs) != 0 {
		t.Fatalf("got %+v", d)
	}
	if x := got["child_fk"]; x.Kind != "foreign key" || x.Fix != "ALTER TABLE public.child VALIDATE CONSTRAINT child_fk;" ||
		x.Rows != 3000 || x.Bytes < 8192 || !strings.Contains(string(x.Definition), "NOT VALID") {
		t.Errorf("child_fk: %+v", x)
	}
	if x := got["posint_chk"]; !x.OnDomain || x.Fix != "ALTER DOMAIN public.posint VALIDATE CONSTRAINT posint_chk;" {
		t.Errorf("posint_chk: %+v", x)
	}
	if x := got["parted_chk"]; x.Object != "parted" {
		t.Errorf("parted_chk reported on %s, want the partitioned table once", x.Object)
	}
	if x, ok := got["nn_a"]; cl.Major >= 18 && (!ok || x.Kind != "not null" || x.Fix != "ALTER TABLE public.nn VALIDATE CONSTRAINT nn_a;") {
		t.Errorf("nn_a: %+v", x)
	}
	if d.NotValid[0].Object != "child" {
		t.Errorf("largest table first: %+v", d.NotValid[0])
	}
	// The statements it proposes work: the check constraint validates, the foreign key
	// fails on the rows that violate it.
	cl.MustExec(t, "postgres", string(got["child_chk"].Fix))
	if err := cl.Exec(t.Context(), "postgres", string(got["child_fk"].Fix)); err == nil {
		t.Error("validating child_fk should fail on the orphan rows")
	}

	// A foreign key whose unique index became invalid (simulated by a catalog edit).
	cl.MustExec(t, "postgres", `UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'parent_pkey'::regclass`)
	r = checktest.Run(t, cl, New(), checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	if len(d.BadFKs) != 2 || d.BadFKsTotal != 2 {
		t.Fatalf("bad fks: %+v", d.BadFKs)
	}
	for _, x := range d.BadFKs {
		if x.Problem != Invalid || x.Index != "parent_pkey" || x.Fix != "REINDEX INDEX CONCURRENTLY public.parent_pkey;" {
			t.Errorf("bad fk: %+v", x)
		}
	}
	if n := len(r.WithCode("L005/fk-without-unique-index")); n != 2 {
		t.Errorf("%d fk findings, want 2", n)
	}
	cl.MustExec(t, "postgres", "REINDEX INDEX parent_pkey")

	c := New()
	c.cfg.TopN = 1
	r = checktest.Run(t, cl, c, checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	if len(d.NotValid) != 1 || d.NotValidTotal != want-1 || len(d.BadFKs) != 0 {
		t.Errorf("top_n 1: %+v", d)
	}
}

func TestCleanDatabase(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE DATABASE clean")
	cl.MustExec(t, "clean", "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p, v int CHECK (v > 0));")
	r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean"})
	r.MustStatus(t, checks.StatusOK)
}
