package f001

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon")

	r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if len(d.Tables) != 0 || d.TablesWithOptions != 0 || find(d, "autovacuum") == nil || find(d, "autovacuum_naptime").Seconds == nil {
		t.Fatalf("clean server: %+v", d)
	}
	if ins := find(d, "autovacuum_vacuum_insert_threshold"); (ins != nil) != (cl.Major >= 13) {
		t.Fatalf("insert threshold on %d: %+v", cl.Major, ins)
	}
	if delay := find(d, "autovacuum_vacuum_cost_delay"); delay.DefaultSeconds == nil || *delay.DefaultSeconds != 0.002 {
		t.Fatalf("cost delay default: %+v", delay)
	}

	cl.MustExec(t, "postgres", `CREATE TABLE big (id int, v text) WITH (autovacuum_enabled = false);
		INSERT INTO big SELECT g, 'x' FROM generate_series(1, 20000) g; ANALYZE big;
		CREATE TABLE toasty (v text) WITH (toast.autovacuum_enabled = off);
		CREATE TABLE "Odd ""name" (v int) WITH (autovacuum_enabled = 0, fillfactor = 90);
		CREATE TABLE tuned (v int) WITH (autovacuum_vacuum_scale_factor = 0.01, fillfactor = 80);
		CREATE TABLE plain (v int) WITH (fillfactor = 70)`)
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusFindings)
	d = Data{}
	r.Decode(t, &d)
	if d.TablesWithOptions != 4 || d.TablesDisabled != 3 || len(d.Tables) != 4 {
		t.Fatalf("tables: %d with options, %d disabled: %+v", d.TablesWithOptions, d.TablesDisabled, d.Tables)
	}
	if tb := d.Tables[0]; tb.Ident != "public.big" || !tb.Disabled || tb.Toast || tb.Bytes == 0 {
		t.Fatalf("largest disabled table first: %+v", tb)
	}
	if last := d.Tables[3]; last.Ident != "public.tuned" || last.Disabled || len(last.Options) != 1 ||
		last.Options[0] != "autovacuum_vacuum_scale_factor=0.01" {
		t.Fatalf("fillfactor must not be listed: %+v", last)
	}
	f := r.WithCode("F001/table-autovacuum-disabled")
	if len(f) != 1 || f[0].Severity != checks.P2 || len(f[0].Objects) != 3 || len(r.Findings) != 1 {
		t.Fatalf("findings %+v", r.Findings)
	}
	objs := map[checks.Name]bool{}
	for _, o := range f[0].Objects {
		objs[o] = true
	}
	if !objs["public.big"] || !objs["public.toasty"] || !objs[`public."Odd ""name"`] {
		t.Fatalf("objects %v", f[0].Objects)
	}

	md := render(t, r)
	for _, want := range []string{"`public.\"Odd \"\"name\"`", "**disabled**", "TOAST table", "`autovacuum_vacuum_scale_factor=0.01`", "| `autovacuum_vacuum_cost_delay` | 2 ms | 2 ms |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}

	// Top-N: the totals still count every table.
	c := New()
	c.cfg.MaxTables = 1
	r = checktest.Run(t, cl, c, checktest.Options{Role: "mon"})
	d = Data{}
	r.Decode(t, &d)
	if len(d.Tables) != 1 || d.TablesWithOptions != 4 || d.TablesDisabled != 3 {
		t.Fatalf("limited: %+v", d)
	}
	if md := render(t, r); !strings.Contains(md, "Showing 1 of 4") {
		t.Errorf("markdown:\n%s", md)
	}

	cl.MustExec(t, "postgres", "ALTER SYSTEM SET autovacuum = off")
	cl.MustExec(t, "postgres", "SELECT pg_catalog.pg_reload_conf()")
	deadline := time.Now().Add(10 * time.Second)
	for len(r.WithCode("F001/autovacuum-off")) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no autovacuum-off finding: %+v", r.Findings)
		}
		time.Sleep(100 * time.Millisecond)
		r = checktest.Run(t, cl, New(), checktest.Options{})
	}
	if f := r.WithCode("F001/autovacuum-off")[0]; f.Severity != checks.P1 {
		t.Fatalf("%+v", f)
	}
}

func find(d Data, name string) *pgsettings.Converted {
	for i := range d.Settings {
		if d.Settings[i].Name == checks.Name(name) {
			return &d.Settings[i]
		}
	}
	return nil
}
