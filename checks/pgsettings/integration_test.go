package pgsettings

import (
	"context"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestCustomDefaultsDropped: boot_val and reset_val travel as plain Text, which the
// privacy layer does not hide as it hides the values of custom settings; reset_val
// repeats a value set per database (as PostgREST's app.jwt_secret is), so Read drops
// both for every custom setting the privacy layer would hide. plpgsql's settings are
// custom settings of a module every server has.
func TestCustomDefaultsDropped(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "ALTER DATABASE postgres SET plpgsql.extra_warnings = 'shadowed_variables'")
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LOAD 'plpgsql'"); err != nil {
		t.Fatal(err)
	}
	rows, err := Read(ctx, conn, SQL("X001"), []string{"plpgsql.extra_warnings", "work_mem"})
	if err != nil {
		t.Fatal(err)
	}
	r, ok := rows["plpgsql.extra_warnings"]
	if !ok || r.Value != "shadowed_variables" {
		t.Fatalf("custom setting not read: %+v", rows)
	}
	if r.BootVal != "" || r.ResetVal != "" {
		t.Errorf("custom setting keeps boot_val %q, reset_val %q", r.BootVal, r.ResetVal)
	}
	if w := rows["work_mem"]; w.BootVal != "4096" || w.ResetVal == "" {
		t.Errorf("built-in setting lost its defaults: %+v", w)
	}
}
