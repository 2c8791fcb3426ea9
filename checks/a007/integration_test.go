package a007

import (
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE ROLE nobody LOGIN; CREATE ROLE app LOGIN")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	lp := find(d, "log_line_prefix") // set by the test harness in postgresql.conf
	if lp == nil || lp.Origin != ConfigFile || lp.SourceLine == 0 || lp.Default.Value == lp.Value || len(d.Overrides) != 0 {
		t.Fatalf("clean server: %+v", d)
	}
	for _, own := range []string{"application_name", "statement_timeout", "lock_timeout", "default_transaction_read_only", "jit"} {
		if find(d, own) != nil {
			t.Errorf("pgcheckup's own session setting %s listed", own)
		}
	}

	cl.MustExec(t, "postgres", "ALTER SYSTEM SET log_min_duration_statement = '1s'")
	cl.MustExec(t, "postgres", `SELECT pg_catalog.pg_reload_conf();
		ALTER ROLE app SET work_mem = '64MB';
		ALTER ROLE app SET application_name = 'a=b';
		ALTER ROLE app IN DATABASE postgres SET search_path = x, public;
		ALTER DATABASE postgres SET work_mem = '16MB';
		ALTER ROLE ALL SET idle_in_transaction_session_timeout = '10min'`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
		if len(r.WithCode("A007/alter-system")) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	r.MustStatus(t, checks.StatusOK) // info findings only
	f := r.WithCode("A007/alter-system")
	if len(f) != 1 || f[0].Severity != checks.Info || len(f[0].Objects) != 1 || f[0].Objects[0] != "log_min_duration_statement" {
		t.Fatalf("alter-system: %+v", r.Findings)
	}
	d = Data{}
	r.Decode(t, &d)
	if s := find(d, "log_min_duration_statement"); s == nil || s.Value != "1000" || s.Origin != AlterSystem {
		t.Errorf("log_min_duration_statement: %+v", s)
	}
	if s := find(d, "work_mem"); s == nil || s.Value != "16384" || s.Origin != ThisDatabase || s.Bytes == nil || *s.Bytes != 16<<20 {
		t.Errorf("work_mem: %+v", s)
	}
	if s := find(d, "idle_in_transaction_session_timeout"); s == nil || s.Origin != AllRolesAllDBs {
		t.Errorf("idle_in_transaction_session_timeout: %+v", s)
	}
	want := []Override{
		{AllDatabases: true, AllRoles: true, Setting: checks.Setting{Name: "idle_in_transaction_session_timeout", Value: "10min"}},
		{AllDatabases: true, Role: "app", Setting: checks.Setting{Name: "application_name", Value: "a=b"}},
		{AllDatabases: true, Role: "app", Setting: checks.Setting{Name: "work_mem", Value: "64MB"}},
		{Database: "postgres", AllRoles: true, Setting: checks.Setting{Name: "work_mem", Value: "16MB"}},
		{Database: "postgres", Role: "app", Setting: checks.Setting{Name: "search_path", Value: "x, public"}},
	}
	if len(d.Overrides) != len(want) {
		t.Fatalf("overrides %+v", d.Overrides)
	}
	for i := range want {
		if d.Overrides[i] != want[i] {
			t.Errorf("override %d: %+v, want %+v", i, d.Overrides[i], want[i])
		}
	}
	if f := r.WithCode("A007/role-database-settings"); len(f) != 1 || len(f[0].Objects) != 2 {
		t.Errorf("role-database-settings: %+v", f)
	}

	// Without pg_monitor the file names are hidden: ALTER SYSTEM cannot be told apart.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "nobody"})
	r.MustStatus(t, checks.StatusOK)
	d = Data{}
	r.Decode(t, &d)
	if s := find(d, "log_min_duration_statement"); s == nil || s.Origin != ConfigFile || s.SourceFile != "" {
		t.Errorf("as nobody: %+v", s)
	}
	if len(d.Overrides) != len(want) {
		t.Errorf("as nobody: overrides %+v", d.Overrides)
	}
}

func find(d Data, name string) *Altered {
	for i := range d.Settings {
		if d.Settings[i].Name == checks.Name(name) {
			return &d.Settings[i]
		}
	}
	return nil
}
