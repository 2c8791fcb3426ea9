package a005

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE ROLE nobody LOGIN")
	cl.MustExec(t, "postgres", "CREATE DATABASE app")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if d.Database != "postgres" || len(d.Extensions) != 1 || d.Extensions[0].Name != "plpgsql" || d.Extensions[0].State != Current {
		t.Fatalf("clean database: %+v", d)
	}

	// pgstattuple ships an install script for 1.4 on every supported major; its default
	// is 1.5. pg_trgm at its default must not be reported.
	cl.MustExec(t, "app", "CREATE EXTENSION pgstattuple VERSION '1.4'; CREATE EXTENSION pg_trgm; CREATE EXTENSION hstore")
	// An extension whose files the server does not have: renamed in the catalog.
	cl.MustExec(t, "app", "UPDATE pg_catalog.pg_extension SET extname = 'ghost' WHERE extname = 'hstore'")
	for _, role := range []string{pgtest.Superuser, "mon", "nobody"} {
		r = checktest.Run(t, cl, New(), checktest.Options{DB: "app", Role: role})
		r.MustStatus(t, checks.StatusFindings)
		f := r.WithCode("A005/outdated")
		if len(f) != 1 || f[0].Severity != checks.P3 || len(f[0].Objects) != 1 || f[0].Objects[0] != "pgstattuple" {
			t.Fatalf("as %s: outdated findings %+v", role, f)
		}
		f = r.WithCode("A005/files-missing")
		if len(f) != 1 || len(f[0].Objects) != 1 || f[0].Objects[0] != "ghost" {
			t.Fatalf("as %s: files-missing findings %+v", role, f)
		}
	}
	d = Data{}
	r.Decode(t, &d)
	states := map[checks.Name]checks.Label{}
	for _, e := range d.Extensions {
		states[e.Name] = e.State
	}
	if d.Database != "app" || states["pg_trgm"] != Current || states["pgstattuple"] != Outdated || states["ghost"] != Missing {
		t.Fatalf("data: %+v", d)
	}
}
