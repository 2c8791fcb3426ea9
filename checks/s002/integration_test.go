package s002

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const canary = "canary-S002-pw-51c9"

func TestOnRealServer(t *testing.T) {
	// scram-sha-256 explicitly: it is the default from 14 only, and md5 before is a finding.
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"password_encryption": "'scram-sha-256'"}})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon")

	// Clean: SCRAM everywhere, nothing to say.
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	if len(r.Findings) != 0 {
		t.Fatalf("clean cluster: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	if !d.AuthidReadable || d.Secrets == nil || d.Secrets.MD5Total != 0 {
		t.Fatalf("clean: %+v", d)
	}

	// Without superuser the stored secrets are unknown, never "all clear".
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusOK)
	if f := r.WithCode("S002/md5-unknown"); len(f) != 1 || f[0].Severity != checks.Info || len(r.Findings) != 1 ||
		!strings.Contains(f[0].Recommendation, "GRANT SELECT (rolname, rolcanlogin, rolpassword) ON pg_catalog.pg_authid TO mon;") {
		t.Fatalf("as pg_monitor: %+v", r.Findings)
	}

	cl.MustExec(t, "postgres", `SET password_encryption = 'md5';
		CREATE ROLE m_login LOGIN PASSWORD '`+canary+`';
		CREATE ROLE m_nologin NOLOGIN PASSWORD '`+canary+`';
		RESET password_encryption;
		CREATE ROLE s_login LOGIN PASSWORD '`+canary+`';
		CREATE ROLE app LOGIN;
		ALTER ROLE app SET password_encryption = 'md5'`)
	var secrets []string
	for _, role := range []string{"m_login", "m_nologin"} {
		sum := md5.Sum([]byte(canary + role))
		secrets = append(secrets, "md5"+hex.EncodeToString(sum[:]))
	}
	secrets = append(secrets, storedSecret(t, cl, "s_login"), storedSecret(t, cl, "m_login"), canary)
	if !strings.HasPrefix(secrets[2], "SCRAM-SHA-256$") || secrets[3] != secrets[0] {
		t.Fatalf("planted secrets are not what the test expects: %q", secrets)
	}

	r = checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	f := r.WithCode("S002/md5-passwords")
	if len(f) != 1 || f[0].Severity != checks.P2 || f[0].Count != 2 ||
		!slices.Equal(f[0].Objects, []checks.Name{"m_login", "m_nologin"}) {
		t.Fatalf("md5 passwords: %+v", r.Findings)
	}
	if f := r.WithCode("S002/password-encryption"); len(f) != 1 || f[0].Severity != checks.P2 ||
		!strings.Contains(f[0].Conclusion, "`md5` for role `app`") || len(r.Findings) != 2 {
		t.Fatalf("password_encryption override: %+v", r.Findings)
	}
	d = Data{}
	r.Decode(t, &d)
	if s := d.Secrets; s.MD5Total != 2 || s.MD5Login != 1 || s.SCRAMTotal != 1 || s.LoginWithoutPassword < 2 {
		t.Fatalf("secrets: %+v", s)
	}
	noSecrets(t, r, secrets)

	// An explicit column grant lets a non-superuser see them too.
	cl.MustExec(t, "postgres", "GRANT SELECT (rolname, rolcanlogin, rolpassword) ON pg_catalog.pg_authid TO mon")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon", EmptySearchPath: true})
	if len(r.WithCode("S002/md5-passwords")) != 1 || len(r.WithCode("S002/md5-unknown")) != 0 {
		t.Fatalf("with the grant: %s %s %+v", r.Status, r.Reason, r.Findings)
	}
	noSecrets(t, r, secrets)

	// Server-wide md5, and (16+) cheap SCRAM verifiers.
	sys := "ALTER SYSTEM SET password_encryption = 'md5'"
	if cl.Major >= 16 {
		sys += "; ALTER SYSTEM SET scram_iterations = 1000"
	}
	for _, s := range strings.Split(sys, "; ") {
		cl.MustExec(t, "postgres", s)
	}
	cl.MustExec(t, "postgres", "SELECT pg_reload_conf()")
	r = checktest.Run(t, cl, New(), checktest.Options{})
	if f := r.WithCode("S002/password-encryption"); len(f) != 1 ||
		!strings.Contains(f[0].Conclusion, "`password_encryption` is `md5` (set with `ALTER SYSTEM` (`postgresql.auto.conf`))") {
		t.Fatalf("server-wide md5: %+v", r.Findings)
	}
	if n := len(r.WithCode("S002/scram-iterations-low")); (cl.Major >= 16) != (n == 1) {
		t.Fatalf("scram_iterations on %d: %+v", cl.Major, r.Findings)
	}
	md := r.Markdown(t, "S002")
	checktest.TableRows(t, md, 4, 3, 1)
	for _, s := range []string{"| `password_encryption` | `md5` | configuration file |", "| *all* | `app` | `md5` |", "| `m_login` |",
		"2 MD5 (1 of them login roles), 1 SCRAM-SHA-256"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}
	noSecrets(t, r, secrets)
}

// storedSecret reads a role's stored secret as the superuser, to prove it is not output.
func storedSecret(t *testing.T, cl *pgtest.Cluster, role string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = $1", role).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// noSecrets fails t when a password, hash or verifier (or the salt or either key of one)
// is in the result's data, findings or Markdown.
func noSecrets(t *testing.T, r checktest.Result, secrets []string) {
	t.Helper()
	b, _ := json.Marshal(r.Findings)
	out := string(r.Data) + string(b) + r.Markdown(t, "S002") + r.Reason + r.Hint
	for _, s := range secrets {
		parts := []string{s}
		if strings.HasPrefix(s, "SCRAM-SHA-256$") {
			parts = append(parts, strings.FieldsFunc(s[len("SCRAM-SHA-256$"):], func(r rune) bool { return r == '$' || r == ':' })...)
		}
		for _, p := range parts {
			if len(p) > 6 && strings.Contains(out, p) {
				t.Errorf("secret %q is in the output", p)
			}
		}
	}
	if strings.Contains(out, "md5") && strings.Contains(out, strings.TrimPrefix(secrets[0], "md5")) {
		t.Error("md5 hash in the output")
	}
}
