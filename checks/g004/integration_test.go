package g004

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon")

	// Harness defaults: only the SSD hint on random_page_cost = 4.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusFindings)
	if f := r.WithCode("G004/random-page-cost-hdd"); len(f) != 1 || len(r.Findings) != 1 {
		t.Fatalf("defaults: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	if len(d.Disabled) != 0 || len(d.Columns) != 0 || len(d.Settings) < 25 {
		t.Fatalf("defaults on %d: %+v", cl.Major, d)
	}

	cl.MustExec(t, "postgres", `CREATE TABLE t (a int, "B c" text, d int);
		ALTER TABLE t ALTER COLUMN a SET STATISTICS 0, ALTER COLUMN d SET STATISTICS 500;
		CREATE INDEX t_expr ON t ((a + d)); ALTER INDEX t_expr ALTER COLUMN 1 SET STATISTICS 200;
		CREATE TABLE u (x int); ALTER TABLE u ALTER COLUMN x SET STATISTICS 0;
		ALTER TABLE u ALTER COLUMN x SET STATISTICS -1`)
	cl.MustExec(t, "postgres", "ALTER SYSTEM SET enable_seqscan = off")
	cl.MustExec(t, "postgres", "ALTER SYSTEM SET random_page_cost = 1.1")
	cl.MustExec(t, "postgres", "SELECT pg_catalog.pg_reload_conf()")
	deadline := time.Now().Add(10 * time.Second)
	for r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"}); len(r.WithCode("G004/planner-method-disabled")) == 0 ||
		len(r.WithCode("G004/random-page-cost-hdd")) != 0; {
		if time.Now().After(deadline) {
			t.Fatalf("after reload: %+v", r.Findings)
		}
		time.Sleep(100 * time.Millisecond)
		r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	}
	f := r.WithCode("G004/planner-method-disabled")[0]
	if f.Severity != checks.P2 || len(f.Objects) != 1 || f.Objects[0] != "enable_seqscan" {
		t.Fatalf("%+v", f)
	}
	if f := r.WithCode("G004/column-statistics-off"); len(f) != 1 || len(f[0].Objects) != 1 || f[0].Objects[0] != "public.t.a" ||
		len(r.Findings) != 2 {
		t.Fatalf("findings: %+v", r.Findings)
	}
	d = Data{}
	r.Decode(t, &d)
	if d.ColumnsTotal != 3 || d.ColumnsZero != 1 || len(d.Columns) != 3 || d.Columns[0].Column != "a" || d.Columns[0].Target != 0 {
		t.Fatalf("columns: %+v", d)
	}
	targets := map[checks.Name]int{}
	for _, c := range d.Columns {
		targets[c.Ident+"."+c.Column] = c.Target
	}
	if targets["public.t.d"] != 500 || targets["public.t_expr.expr"] != 200 {
		t.Fatalf("targets %v", targets)
	}
	md := render(t, r)
	for _, s := range []string{"**Plan methods switched off:** `enable_seqscan`", "**0** (no statistics)", "(set by pgcheckup's session)"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
}
