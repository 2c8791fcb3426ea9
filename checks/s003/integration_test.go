package s003

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

// networkAddr is an IPv4 address of this machine other than loopback, or "".
func networkAddr() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

func appendHBA(t *testing.T, cl *pgtest.Cluster, lines string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(cl.DataDir(), "pg_hba.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("\n" + lines + "\n"); err != nil {
		t.Fatal(err)
	}
}

const hbaCanary = "CANARYHBA7731"

// TestPlanted plants every problem S003 knows on a real server: trust from anywhere and
// locally, cleartext password, ident over TCP, every role from every address (with an
// LDAP bind password among its options that must never be shown), a line with an error,
// ssl off on a server listening on the network, and a session from another address
// without SSL.
func TestPlanted(t *testing.T) {
	ip := networkAddr()
	settings := map[string]string{}
	if ip != "" {
		settings["listen_addresses"] = "'127.0.0.1," + ip + "'"
	}
	cl := pgtest.ForTest(t, pgtest.Options{Settings: settings})
	cl.MustExec(t, "postgres", `CREATE DATABASE app`)
	cl.MustExec(t, "postgres", `CREATE ROLE app_user LOGIN`)
	planted := `host all all 0.0.0.0/0 trust
host app all 10.1.0.0/16 password
local app all password
host all all 10.3.0.0/16 ident
host all all ::/0 scram-sha-256
host app app_user 0.0.0.0/0 scram-sha-256`
	if ip != "" {
		planted = "host all app_user " + ip + "/32 trust\n" + planted
	}
	appendHBA(t, cl, planted)
	cl.MustExec(t, "postgres", `SELECT pg_catalog.pg_reload_conf()`)
	ctx := context.Background()
	if ip != "" {
		// app_user from the network address, without SSL, held while the check runs.
		conn, err := pgx.Connect(ctx, fmt.Sprintf("host=%s port=%d user=app_user dbname=app sslmode=disable", ip, cl.Port))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
	} else {
		t.Log("no network address on this machine: sessions-without-ssl and ssl-off not planted")
	}
	// Not reloaded: a line with an error, and an LDAP line whose bind password must never
	// be shown (an error too where the server was built without LDAP).
	appendHBA(t, cl, "host all all 10.4.0.0/33 md5\n"+
		`host all all 0.0.0.0/0 ldap ldapserver=ldap.example.net ldapbasedn="dc=example,dc=net" ldapbinddn="cn=admin" ldapbindpasswd=`+hbaCanary+` ldapsearchattribute=uid`)

	s, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Sanitize: s.Outcome})
	r.MustStatus(t, checks.StatusFindings)
	want := map[string]checks.Severity{"S003/trust-remote": checks.P1, "S003/trust-local": checks.P2, "S003/password-cleartext": checks.P2,
		"S003/password-method": checks.P3, "S003/ident-over-tcp": checks.P2, "S003/all-from-anywhere": checks.P2,
		"S003/from-anywhere": checks.P3, "S003/hba-errors": checks.P2}
	if ip != "" {
		want["S003/ssl-off"] = checks.P2
		want["S003/sessions-without-ssl"] = checks.P2
	}
	got := map[string]bool{}
	for _, f := range r.Findings {
		got[f.Code] = true
		if sev, ok := want[f.Code]; !ok {
			t.Errorf("unexpected finding %s: %s", f.Code, f.Conclusion)
		} else if f.Severity != sev {
			t.Errorf("%s: severity %s, want %s", f.Code, f.Severity, sev)
		}
	}
	for code := range want {
		if !got[code] {
			t.Errorf("%s not found; findings: %+v", code, r.Findings)
		}
	}
	var d Data
	r.Decode(t, &d)
	if !d.HBAReadable || d.RulesTotal < 10 {
		t.Errorf("hba readable %v, %d rules", d.HBAReadable, d.RulesTotal)
	}
	if ip != "" {
		if d.SessionsNoSSL != 1 || len(d.Sessions) != 1 || string(d.Sessions[0].Address) != ip || d.Sessions[0].User != "app_user" {
			t.Errorf("sessions without ssl: %d %+v, want app_user from %s", d.SessionsNoSSL, d.Sessions, ip)
		}
		for _, f := range r.WithCode("S003/trust-remote") {
			if f.Count != 2 || !strings.Contains(f.Conclusion, ip) || !strings.Contains(f.Conclusion, "0.0.0.0") {
				t.Errorf("trust-remote: count %d, %s", f.Count, f.Conclusion)
			}
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), hbaCanary) {
		t.Errorf("an hba option value is in the result:\n%s", b)
	}
	md := r.Markdown(t, "S003")
	if strings.Contains(md, hbaCanary) || !strings.Contains(md, "10.1.0.0") {
		t.Errorf("markdown:\n%s", md)
	}

	// Anonymized: the addresses are names and are replaced.
	key := []byte("0123456789abcdef0123456789abcdef")
	an, err := privacy.NewAnonymizer(key)
	if err != nil {
		t.Fatal(err)
	}
	sa, err := privacy.New(privacy.Policy{Anonymizer: an})
	if err != nil {
		t.Fatal(err)
	}
	ra := checktest.Run(t, cl, New(), checktest.Options{Sanitize: sa.Outcome})
	b, err = json.Marshal(ra)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"10.1.0.0", "10.3.0.0", "app_user", hbaCanary} {
		if strings.Contains(string(b), leak) {
			t.Errorf("anonymized result shows %s:\n%s", leak, b)
		}
	}
	if ip != "" && strings.Contains(string(b), ip) {
		t.Errorf("anonymized result shows %s", ip)
	}
}

// TestClean: passwords (SCRAM) from loopback only, ssl off on a server that listens only
// on loopback: silent, for a superuser and for a monitoring role granted the view. A role
// without the grant gets "unknown", never an all-clear.
func TestClean(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `SET password_encryption = 'scram-sha-256';
		ALTER ROLE postgres PASSWORD 'clean-test-pw';
		CREATE ROLE mon LOGIN PASSWORD 'clean-test-pw' IN ROLE pg_monitor;
		CREATE ROLE nobody LOGIN PASSWORD 'clean-test-pw';
		GRANT SELECT ON pg_catalog.pg_hba_file_rules TO mon;
		GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO mon`)
	hba := "local all all peer\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\nhost replication all 127.0.0.1/32 scram-sha-256\n"
	if err := os.WriteFile(filepath.Join(cl.DataDir(), "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", `SELECT pg_catalog.pg_reload_conf()`)
	t.Setenv("PGPASSWORD", "clean-test-pw")
	for _, role := range []string{"postgres", "mon"} {
		r := checktest.Run(t, cl, New(), checktest.Options{Role: role})
		r.MustStatus(t, checks.StatusOK)
		if len(r.Findings) != 0 {
			t.Errorf("%s: findings on a clean cluster: %+v", role, r.Findings)
		}
		var d Data
		r.Decode(t, &d)
		if !d.HBAReadable || d.RulesTotal != 4 || d.Flagged != 0 {
			t.Errorf("%s: readable %v, %d rules, %d flagged", role, d.HBAReadable, d.RulesTotal, d.Flagged)
		}
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "nobody"})
	r.MustStatus(t, checks.StatusOK)
	if len(r.WithCode("S003/hba-unreadable")) != 1 {
		t.Errorf("nobody: want S003/hba-unreadable, got %+v", r.Findings)
	}
	for _, f := range r.Findings {
		if f.Severity != checks.Info {
			t.Errorf("nobody: %s %s", f.Code, f.Severity)
		}
	}
	var d Data
	r.Decode(t, &d)
	if d.HBAReadable || len(d.Rules) != 0 {
		t.Errorf("nobody: readable %v %+v", d.HBAReadable, d.Rules)
	}
}
