package s001

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const canary = "canary-S001-pw-7f3a"

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})

	// A fresh cluster has the bootstrap superuser only: nothing to say.
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	if len(r.Findings) != 0 {
		t.Fatalf("clean cluster: %+v", r.Findings)
	}

	soon := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	cl.MustExec(t, "postgres", `CREATE ROLE su2 SUPERUSER LOGIN PASSWORD '`+canary+`';
		CREATE ROLE dormant SUPERUSER NOLOGIN;
		CREATE ROLE via_su LOGIN IN ROLE dormant;
		CREATE ROLE cr LOGIN CREATEROLE PASSWORD '`+canary+`';
		CREATE ROLE brls LOGIN BYPASSRLS;
		CREATE ROLE repl LOGIN REPLICATION;
		CREATE ROLE files_grp NOLOGIN IN ROLE pg_execute_server_program;
		CREATE ROLE filer LOGIN IN ROLE files_grp;
		CREATE ROLE reader LOGIN IN ROLE pg_read_server_files;
		CREATE ROLE rds_superuser NOLOGIN;
		CREATE ROLE admin1 LOGIN IN ROLE rds_superuser;
		CREATE ROLE exp_soon LOGIN VALID UNTIL '`+soon+`';
		CREATE ROLE exp_gone LOGIN VALID UNTIL '2000-01-01';
		CREATE ROLE exp_never LOGIN VALID UNTIL '-infinity';
		CREATE ROLE exp_far LOGIN VALID UNTIL '2100-01-01';
		CREATE ROLE plain NOLOGIN;
		CREATE ROLE watcher LOGIN`)

	// Any role can read all of it: run as a login role without privileges.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "watcher"})
	r.MustStatus(t, checks.StatusFindings)
	want := map[string]checks.Severity{"S001/extra-superuser": checks.P2, "S001/server-file-access": checks.P2,
		"S001/createrole-login": checks.P2, "S001/bypassrls-login": checks.P3, "S001/replication-login": checks.Info,
		"S001/managed-admin-roles": checks.Info, "S001/no-password-expiry": checks.P3,
		"S001/password-expires-soon": checks.P2, "S001/password-expired": checks.P3}
	if cl.Major >= 16 {
		want["S001/createrole-login"] = checks.P3
	}
	got := map[string]checks.Finding{}
	for _, f := range r.Findings {
		got[f.Code] = f
	}
	if len(got) != len(want) {
		t.Errorf("findings %d, want %d: %+v", len(got), len(want), r.Findings)
	}
	for code, sev := range want {
		if f, ok := got[code]; !ok || f.Severity != sev {
			t.Errorf("%s: %+v, want severity %s", code, f, sev)
		}
	}
	objects := func(code string) []string {
		var s []string
		for _, o := range got[code].Objects {
			s = append(s, string(o))
		}
		slices.Sort(s)
		return s
	}
	for code, names := range map[string][]string{
		"S001/extra-superuser":       {"dormant", "su2", "via_su"},
		"S001/server-file-access":    {"filer", "files_grp", "reader"},
		"S001/createrole-login":      {"cr"},
		"S001/bypassrls-login":       {"brls"},
		"S001/replication-login":     {"repl"},
		"S001/managed-admin-roles":   {"admin1", "rds_superuser"},
		"S001/password-expires-soon": {"exp_soon"},
		"S001/password-expired":      {"exp_gone", "exp_never"},
	} {
		if o := objects(code); !slices.Equal(o, names) {
			t.Errorf("%s objects %v, want %v", code, o, names)
		}
	}
	if o := objects("S001/no-password-expiry"); !slices.Contains(o, "watcher") || slices.Contains(o, "postgres") ||
		slices.Contains(o, "exp_far") || slices.Contains(o, "plain") || len(o) != 9 {
		t.Errorf("no-password-expiry objects %v", o)
	}
	if f := got["S001/extra-superuser"]; !strings.Contains(f.Conclusion, "`via_su` (member of `dormant`") {
		t.Errorf("extra-superuser: %s", f.Conclusion)
	}

	var d Data
	r.Decode(t, &d)
	if d.Totals != (Totals{Superusers: 3, CreateRole: 1, BypassRLS: 1, Replication: 1, ServerFiles: 3, Admin: 2}) ||
		d.LoginWithExpiry != 4 || d.LoginWithoutExpiry != 9 || d.ExpiringTotal != 3 {
		t.Errorf("data: %+v", d)
	}
	b, _ := json.Marshal(r.Findings)
	if strings.Contains(string(r.Data), canary) || strings.Contains(string(b), canary) || strings.Contains(string(r.Data), "md5") ||
		strings.Contains(string(r.Data), "SCRAM") {
		t.Error("a password or hash reached the output")
	}
	md := r.Markdown(t, "S001")
	checktest.TableRows(t, md, 4, 5, 2)
	for _, s := range []string{"| `su2` | yes | yes |  |  |", "| `filer` | no | yes |  | `pg_execute_server_program` |", "| `via_su` | no | yes |  | `dormant` (superuser) |", "| `exp_soon` |"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}

	// Nothing is resolved through search_path.
	if e := checktest.Run(t, cl, New(), checktest.Options{EmptySearchPath: true}); len(e.Findings) != len(r.Findings) {
		t.Errorf("empty search_path: %s %s, %d findings", e.Status, e.Reason, len(e.Findings))
	}

	// The listing limit keeps the totals.
	c := New()
	c.cfg.MaxRoles = 2
	r = checktest.Run(t, cl, c, checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	if len(d.Roles) != 2 || d.Totals.Superusers != 3 || len(d.NoExpiry) != 2 || d.LoginWithoutExpiry != 9 {
		t.Errorf("limited: %+v", d)
	}
	if f := r.WithCode("S001/server-file-access"); len(f) == 1 && f[0].Count != 3 {
		t.Errorf("limited count: %+v", f)
	}
}
