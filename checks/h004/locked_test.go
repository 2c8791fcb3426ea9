package h004

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestLocked: another session holds ACCESS EXCLUSIVE on table t (LOCK TABLE) and on the
// indexes of d (REINDEX TABLE). The check neither waits nor fails: on t it still compares
// indexes without a predicate or expressions and names t as not compared for the others;
// definitions and sizes it could not read are marked locked.
func TestLocked(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	for _, sql := range []string{"BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE", "BEGIN; REINDEX TABLE d"} {
		cl.Hold(t, "postgres", sql)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]Index{}
	for _, x := range d.Indexes {
		got[x.Drop] = x
	}
	// t_lower needs pg_get_expr on t: not compared. t_c1 and t_c23 need nothing of it.
	for _, drop := range []checks.Name{"t_c1", "t_c23", "d_id_again", "d_a_2"} {
		x, ok := got[drop]
		if !ok {
			t.Errorf("%s not reported: %+v", drop, d.Indexes)
			continue
		}
		if !x.Locked {
			t.Errorf("%s not marked locked: %+v", drop, x)
		}
	}
	if x := got["t_c1"]; x.DropDef != "" || x.DropBytes == nil {
		t.Errorf("t_c1: definition needs the table's lock, its size does not: %+v", x)
	}
	if x := got["d_a_2"]; x.DropBytes != nil {
		t.Errorf("d_a_2: its size needs the index's lock: %+v", x)
	}
	if _, ok := got["t_lower"]; ok {
		t.Errorf("t_lower compared under a lock: %+v", d.Indexes)
	}
	if len(d.NotCompared) != 1 || d.NotCompared[0] != (Table{Schema: "public", Name: "t"}) {
		t.Errorf("not compared: %+v", d.NotCompared)
	}
	if f := r.WithCode("H004/not-compared"); len(f) != 1 || f[0].Objects[0] != "public.t" {
		t.Errorf("findings: %+v", r.Findings)
	}
	md := r.Markdown(t, "H004")
	for _, want := range []string{"not read (locked)", "unknown (locked)", "partial and expression indexes of `public`.`t`"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
}
