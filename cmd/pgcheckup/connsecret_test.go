package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestParseErrorsHidePasswordCLI runs `pgcheckup run` on connection strings pgx cannot
// parse: the exit status is a usage error, stderr says what is wrong, and no output
// holds the password, whether from the string or from PGPASSWORD.
func TestParseErrorsHidePasswordCLI(t *testing.T) {
	t.Setenv("PGPASSWORD", "EnvPassw0rdX")
	t.Setenv("PGPASSFILE", filepath.Join(t.TempDir(), "absent"))
	for _, tc := range []struct{ cs, password, want string }{
		{"password= S3cretPw0rd port=abc", "S3cretPw0rd", "connection string of node 1: invalid port"},
		{"host=h password='S3cret Pw0rd", "S3cret Pw0rd", "unterminated quoted string"},
		{"host=h password=S3cret Pw0rd", "S3cret Pw0rd", "not a list of keyword=value"},
		{"host=h password=S3cretPw0rd sslmode=bogus", "S3cretPw0rd", "invalid sslmode"},
		{"postgres://u:S3cretPw0rd@h:abc/db", "S3cretPw0rd", "invalid port"},
		{"postgres://u:S3cr%zzPw0rd@h/db", "S3cr%zzPw0rd", "invalid percent-escape"},
		{"postgres://u:S3cret@Pw0rd@h/db", "S3cret@Pw0rd", `a host name with "@"`},
		{"postgresql://u@h/db?password=S3cret&Pw0rd", "S3cret&Pw0rd", `a query parameter without "="`},
		{"host=h port=abc", "EnvPassw0rdX", "invalid port"},
	} {
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", t.TempDir(), tc.cs)
		said := stdout + stderr
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, want %d and %q in stderr:\n%s", tc.cs, code, exitUsage, tc.want, stderr)
		}
		for _, part := range strings.FieldsFunc(tc.password, func(r rune) bool { return strings.ContainsRune(" @&%", r) }) {
			if strings.Contains(said, part) || strings.Contains(said, part[1:]) {
				t.Errorf("%q: output holds part of the password %q:\n%s", tc.cs, tc.password, said)
			}
		}
	}
}

// TestPgpassMode plants the only password a role has in a password file: readable by
// group and others it must be refused with libpq's warning (so the login fails), from
// PGPASSFILE or from the passfile parameter; with mode 0600 it must be used.
func TestPgpassMode(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if err := cl.RequirePassword(context.Background()); err != nil {
		t.Fatal(err)
	}
	const secret = "Pgp4ssFileSecret"
	cl.MustExec(t, "postgres", fmt.Sprintf("CREATE ROLE pwcheck LOGIN PASSWORD '%s' IN ROLE pg_monitor", secret))
	t.Setenv("PGPASSWORD", "")
	dir := t.TempDir()
	pass := filepath.Join(dir, "pgpass")
	if err := os.WriteFile(pass, []byte(fmt.Sprintf("127.0.0.1:%d:*:pwcheck:%s\n", cl.Port, secret)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGPASSFILE", filepath.Join(dir, "absent"))
	cs := cl.ConnStringAs("pwcheck", "postgres")
	warning := fmt.Sprintf(`password file \"%s\" has group or world access; permissions should be u=rw (0600) or less`, pass)
	for _, tc := range []struct {
		name string
		perm os.FileMode
		env  bool
		cs   string
		code int
	}{
		{"PGPASSFILE 0644", 0o644, true, cs, exitUnreachable},
		{"passfile parameter 0640", 0o640, false, cs + " passfile='" + pass + "'", exitUnreachable},
		{"passfile in a URI 0604", 0o604, false, fmt.Sprintf("postgres://pwcheck@127.0.0.1:%d/postgres?sslmode=disable&passfile=%s", cl.Port, pass), exitUnreachable},
		{"PGPASSFILE 0600", 0o600, true, cs, exitOK},
		{"passfile parameter 0400", 0o400, false, cs + " passfile='" + pass + "'", exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.Chmod(pass, tc.perm); err != nil {
				t.Fatal(err)
			}
			if tc.env {
				t.Setenv("PGPASSFILE", pass)
			}
			code, stdout, stderr := runCLI(t, "run", "-q", "--out", t.TempDir(), "--checks", "A002", tc.cs)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if refused := tc.code != exitOK; strings.Contains(stderr, warning) != refused {
				t.Errorf("warning shown: %v, want %v; stderr:\n%s", !refused, refused, stderr)
			}
			if strings.Contains(stdout+stderr, secret) {
				t.Errorf("output holds the password:\n%s%s", stdout, stderr)
			}
		})
	}
}

// TestConnParam reads the passfile parameter the way pgx reads the string.
func TestConnParam(t *testing.T) {
	for _, tc := range []struct{ cs, want string }{
		{"host=h passfile=/a", "/a"},
		{"passfile = '/a b' passfile='/c\\'d'", "/c'd"},
		{`passfile=/a\ b port=1`, "/a b"},
		{"passfile='/a' password='x passfile=/evil'", "/a"},
		{"postgres://u:p?passfile=x@h/db?passfile=%2Fa%20b", "/a b"},
		{"postgresql://h/db?passfile=/a&passfile=/b", "/b"},
		{"host=h", ""},
	} {
		if got, _ := connParam(tc.cs, "passfile"); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.cs, got, tc.want)
		}
	}
}
