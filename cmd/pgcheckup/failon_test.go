package main

import (
	"net"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestFailOn(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	run := func(args ...string) int {
		t.Helper()
		code, _, stderr := runCLI(t, append(append([]string{"run", "-q", "--out", t.TempDir(), "--checks", "H003"}, args...),
			cl.ConnString("postgres"))...)
		t.Logf("%v: exit %d %s", args, code, stderr)
		return code
	}
	if code := run("--fail-on", "P3"); code != exitOK {
		t.Fatalf("clean database with --fail-on P3: exit %d, want 0", code)
	}
	cl.MustExec(t, "postgres", `CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p)`)
	if code := run("--fail-on", "p3"); code != exitFailOn {
		t.Fatalf("a P3 finding with --fail-on P3: exit %d, want %d", code, exitFailOn)
	}
	if code := run("--fail-on", "P1"); code != exitOK {
		t.Fatalf("only P3 findings with --fail-on P1: exit %d, want 0", code)
	}
	if code := run(); code != exitOK {
		t.Fatalf("findings without --fail-on: exit %d, want 0", code)
	}
	if code := run("--fail-on", "info"); code != exitUsage {
		t.Fatalf("--fail-on info: exit %d, want %d", code, exitUsage)
	}

	// The gate never hides the run's own failure: nothing listening is still exit 3.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	code, _, _ := runCLI(t, "run", "-q", "--out", t.TempDir(), "--fail-on", "P3", "--connect-timeout", "1s",
		"-h", "127.0.0.1", "-p", itoa(port), "-U", "nobody", "-d", "postgres")
	if code != exitUnreachable {
		t.Fatalf("unreachable with --fail-on: exit %d, want %d", code, exitUnreachable)
	}
}
