package s004

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

const canary = "CANARYUM"

// plant creates every problem S004 looks for, beside objects that are safe.
const plant = `CREATE ROLE app_owner; CREATE ROLE app_user LOGIN; CREATE ROLE nopw LOGIN; CREATE ROLE nobody LOGIN;
GRANT CREATE ON SCHEMA public TO PUBLIC;
CREATE FUNCTION public.unsafe_definer(int) RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT $1';
CREATE PROCEDURE public.unsafe_proc() LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
CREATE FUNCTION public.pinned_definer() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'SELECT 1';
CREATE FUNCTION public.private_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1';
REVOKE EXECUTE ON FUNCTION public.private_definer() FROM PUBLIC;
CREATE FUNCTION public.invoker() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TABLE public.rls_off (id int); CREATE POLICY p ON public.rls_off USING (true);
CREATE TABLE public.rls_on (id int); CREATE POLICY p ON public.rls_on USING (true); ALTER TABLE public.rls_on ENABLE ROW LEVEL SECURITY;
CREATE TABLE public.rls_forced (id int); CREATE POLICY p ON public.rls_forced USING (true);
ALTER TABLE public.rls_forced ENABLE ROW LEVEL SECURITY; ALTER TABLE public.rls_forced FORCE ROW LEVEL SECURITY;
CREATE TABLE public.rls_no_policy (id int); ALTER TABLE public.rls_no_policy ENABLE ROW LEVEL SECURITY;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT, INSERT ON TABLES TO PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner IN SCHEMA public GRANT USAGE ON SEQUENCES TO PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE app_owner GRANT SELECT ON TABLES TO app_user;
CREATE EXTENSION dblink; CREATE EXTENSION postgres_fdw;
CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'remote.invalid', dbname 'r');
CREATE USER MAPPING FOR PUBLIC SERVER remote OPTIONS (user 'r1', password 'CANARYUM_public');
CREATE USER MAPPING FOR app_user SERVER remote OPTIONS (user 'r2', password 'CANARYUM_user');
CREATE USER MAPPING FOR nopw SERVER remote OPTIONS (user 'CANARYUM_name');
CREATE LANGUAGE evil_u HANDLER plpgsql_call_handler;`

// TestPlanted: as a superuser every planted problem is found with its severity, the
// safe objects are not, and no user-mapping option value reaches the result.
func TestPlanted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", plant)
	s, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Sanitize: s.Outcome})
	r.MustStatus(t, checks.StatusFindings)
	want := map[string]checks.Severity{"S004/public-create": checks.P2, "S004/secdef-search-path": checks.P1, "S004/rls-disabled": checks.P2,
		"S004/rls-not-forced": checks.P3, "S004/default-grant-public-tables": checks.P2, "S004/default-grant-public": checks.P3,
		"S004/user-mapping-password-public": checks.P1, "S004/user-mapping-password": checks.P2, "S004/risky-extension": checks.P3,
		"S004/untrusted-language": checks.P3}
	got := map[string]checks.Finding{}
	for _, f := range r.Findings {
		got[f.Code] = f
		if sev, ok := want[f.Code]; !ok {
			t.Errorf("unexpected finding %s: %s", f.Code, f.Conclusion)
		} else if f.Severity != sev {
			t.Errorf("%s: severity %s, want %s", f.Code, f.Severity, sev)
		}
	}
	for code := range want {
		if _, ok := got[code]; !ok {
			t.Errorf("%s not found", code)
		}
	}
	var d Data
	r.Decode(t, &d)
	var secdefs []string
	for _, f := range d.SecDefs {
		secdefs = append(secdefs, string(f.Signature))
	}
	if strings.Join(secdefs, " ") != "public.unsafe_definer(integer) public.unsafe_proc()" || d.SecDefsTotal != 2 {
		t.Errorf("secdefs %v (total %d), want unsafe_definer and unsafe_proc", secdefs, d.SecDefsTotal)
	}
	if len(d.RLS) != 2 || d.RLSDisabled != 1 || d.RLSNotForced != 1 || d.RLS[0].Name != "rls_off" || d.RLS[1].Name != "rls_on" {
		t.Errorf("rls %+v", d.RLS)
	}
	if len(d.PublicCreate) != 1 || d.PublicCreate[0].Name != "public" {
		t.Errorf("public create %+v", d.PublicCreate)
	}
	if len(d.DefaultACLs) != 2 || strings.Join(labels(d.DefaultACLs[0].Privileges), ",") != "INSERT,SELECT" {
		t.Errorf("default acls %+v", d.DefaultACLs)
	}
	pw := map[string]string{}
	for _, m := range d.Mappings {
		v := "unknown"
		if m.Password != nil {
			v = map[bool]string{true: "yes", false: "no"}[*m.Password]
		}
		pw[string(m.User)] = v
	}
	if pw["public"] != "yes" || pw["app_user"] != "yes" || pw["nopw"] != "no" {
		t.Errorf("mappings %v", pw)
	}
	if len(d.Extensions) != 1 || d.Extensions[0] != "dblink" || len(d.UntrustedLangs) != 1 || d.UntrustedLangs[0] != "evil_u" {
		t.Errorf("extensions %v, languages %v", d.Extensions, d.UntrustedLangs)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	md := r.Markdown(t, "S004")
	if strings.Contains(string(b), canary) || strings.Contains(md, canary) {
		t.Errorf("a user mapping option value is in the result:\n%s\n%s", b, md)
	}
	if !strings.Contains(md, "unsafe_definer") || !strings.Contains(md, "rls_off") {
		t.Errorf("markdown:\n%s", md)
	}

	// A role that cannot see the mappings' options: unknown, never "no password".
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "nobody"})
	if len(r.WithCode("S004/user-mapping-password-public")) != 0 || len(r.WithCode("S004/user-mapping-password")) != 0 {
		t.Errorf("nobody sees passwords? %+v", r.Findings)
	}
	if f := r.WithCode("S004/user-mapping-unknown"); len(f) != 1 || f[0].Severity != checks.Info || f[0].Count != 3 {
		t.Errorf("nobody: want 3 unknown mappings, got %+v", f)
	}
	if len(r.WithCode("S004/secdef-search-path")) != 1 {
		t.Errorf("nobody: the secdef finding needs no privilege: %+v", r.Findings)
	}
}

func labels(ls []checks.Label) []string {
	var out []string
	for _, l := range ls {
		out = append(out, string(l))
	}
	return out
}

// TestClean: a database with safe objects (and, on 12 to 14, CREATE on public revoked
// from PUBLIC) is silent.
func TestClean(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `REVOKE CREATE ON SCHEMA public FROM PUBLIC; CREATE ROLE app_user LOGIN;
		CREATE FUNCTION public.pinned_definer() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'SELECT 1';
		CREATE TABLE public.rls_forced (id int); CREATE POLICY p ON public.rls_forced USING (true);
		ALTER TABLE public.rls_forced ENABLE ROW LEVEL SECURITY; ALTER TABLE public.rls_forced FORCE ROW LEVEL SECURITY;
		ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO app_user;
		ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
		CREATE EXTENSION postgres_fdw; CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'remote.invalid');
		CREATE USER MAPPING FOR app_user SERVER remote OPTIONS (user 'r2')`)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	if len(r.Findings) != 0 {
		t.Errorf("findings on a clean database: %+v", r.Findings)
	}
}
