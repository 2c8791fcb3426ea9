package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"golang.org/x/sys/unix"
)

// TestAuthentication runs against one server that requires a password.
func TestAuthentication(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if err := cl.RequirePassword(context.Background()); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", "CREATE ROLE authcheck LOGIN PASSWORD 'Right0neX' IN ROLE pg_monitor")
	t.Setenv("PGPASSFILE", t.TempDir()+"/absent")
	t.Setenv("PGPASSWORD", "Wr0ngPassw0rd")
	cs := cl.ConnStringAs("authcheck", "postgres")

	// The server's words reach the user whole (FATAL, the SQLSTATE, the role), once,
	// with the ways to give a password; the wrong password never does.
	t.Run("refused login", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", t.TempDir(), cs)
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
	})

	// -W reads the password from the terminal without echo and uses it over PGPASSWORD.
	t.Run("-W on a terminal", func(t *testing.T) {
		ptm, pts := openPTY(t)
		defer func(in *os.File) { passwordInput = in }(passwordInput)
		passwordInput = pts
		typed := make(chan error, 1)
		go func() { typed <- typeWhenEchoOff(ptm, pts, "Right0neX\n") }()
		code, stdout, stderr := runCLI(t, "run", "-q", "-W", "--checks", "A002", "--out", t.TempDir(), cs)
		if err := <-typed; err != nil {
			t.Fatal(err)
		}
		pts.Close()
		echoed, _ := io.ReadAll(ptm) // ends with EIO once the terminal's side is closed
		if code != exitOK {
			t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr)
		}
		if !strings.Contains(stderr, "Password: ") {
			t.Errorf("no prompt on stderr: %q", stderr)
		}
		for what, s := range map[string]string{"stdout": stdout, "stderr": stderr, "the terminal": string(echoed)} {
			if strings.Contains(s, "Right0neX") {
				t.Errorf("%s shows the password: %q", what, s)
			}
		}
	})

	t.Run("-W without a terminal", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		defer func(in *os.File) { passwordInput = in }(passwordInput)
		passwordInput = r
		code, _, stderr := runCLI(t, "run", "-q", "-W", "--out", t.TempDir(), cs)
		if code != exitUsage || !strings.Contains(stderr, "stdin is none") || !strings.Contains(stderr, "PGPASSWORD") {
			t.Errorf("exit %d, want %d and a refusal naming PGPASSWORD; stderr: %s", code, exitUsage, stderr)
		}
	})
}

// openPTY opens a pseudo-terminal pair: what the test types goes into ptm, the command
// reads pts.
func openPTY(t *testing.T) (ptm, pts *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	if err := unix.IoctlSetPointerInt(int(ptm.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptm.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pts.Close() })
	return ptm, pts
}

// typeWhenEchoOff waits until the reader has turned echo off, as a user sees the prompt,
// then types s.
func typeWhenEchoOff(ptm, pts *os.File, s string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		tio, err := unix.IoctlGetTermios(int(pts.Fd()), unix.TCGETS)
		if err != nil {
			return err
		}
		if tio.Lflag&unix.ECHO == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("echo still on after 20s: no password prompt")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err := io.WriteString(ptm, s)
	return err
}
