package main

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestAuthFailureMessage logs in with a wrong password on a server that requires one:
// the server's words reach the user whole (FATAL, the SQLSTATE, the role), once, with
// the ways to give a password; the wrong password never does.
func TestAuthFailureMessage(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if err := cl.RequirePassword(context.Background()); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", "CREATE ROLE authcheck LOGIN PASSWORD 'Right0ne' IN ROLE pg_monitor")
	t.Setenv("PGPASSFILE", t.TempDir()+"/absent")
	t.Setenv("PGPASSWORD", "Wr0ngPassw0rd")
	code, stdout, stderr := runCLI(t, "run", "-q", "--out", t.TempDir(), cl.ConnStringAs("authcheck", "postgres"))
	t.Logf("stderr:\n%s", stderr)
	if code != exitUnreachable {
		t.Errorf("exit %d, want %d", code, exitUnreachable)
	}
	said := stdout + stderr
	for _, want := range []string{"FATAL: password authentication failed for user", "authcheck", "28P01", ".pgpass", "PGPASSWORD", "-W"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Contains(said, "*****") {
		t.Errorf("output masks words of the server's message")
	}
	if n := strings.Count(stderr, "password authentication failed"); n != 1 {
		t.Errorf("the failure is printed %d times, want once", n)
	}
	if strings.Contains(said, "Wr0ngPassw0rd") {
		t.Errorf("output holds the password")
	}
}
