package s004

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestPrivileges(t *testing.T) {
	if got := privileges("r*wX"); len(got) != 3 || got[0] != "SELECT" || got[1] != "UPDATE" || got[2] != "EXECUTE" {
		t.Errorf("privileges(r*wX) = %v", got)
	}
}

func TestAnalyze(t *testing.T) {
	yes, no := true, false
	d := Data{
		Mappings: []Mapping{{Server: "s", User: "public", ForPublic: true, Password: &no}, {Server: "s", User: "a", Password: nil},
			{Server: "s", User: "b", Password: &yes}},
		DefaultACLs: []DefaultACL{{Role: "o", ObjectType: "functions", Privileges: []checks.Label{"EXECUTE"}},
			{Role: "o", ObjectType: "types", Privileges: []checks.Label{"USAGE"}}},
		RLS:          []RLSTable{{Schema: "s", Name: "t", Enabled: true, Policies: 1}},
		RLSNotForced: 1, SecDefsTotal: 250,
		SecDefs: []SecDef{{Signature: "public.f()", Owner: "o", Extension: "ext"}},
	}
	got := map[string]checks.Finding{}
	for _, f := range analyze(d) {
		got[f.Code] = f
	}
	if len(got) != 4 {
		t.Errorf("findings %v", got)
	}
	// A mapping whose options are hidden is unknown, one without a password is nothing.
	if f := got["S004/user-mapping-unknown"]; f.Count != 1 || f.Severity != checks.Info {
		t.Errorf("unknown: %+v", f)
	}
	if f := got["S004/user-mapping-password"]; f.Count != 1 || f.Severity != checks.P2 {
		t.Errorf("password: %+v", f)
	}
	// The count covers the unlisted routines; an extension's routine says how to fix it.
	if f := got["S004/secdef-search-path"]; f.Count != 250 || !strings.Contains(f.Conclusion, "250 in all") || !strings.Contains(f.Recommendation, "ALTER EXTENSION") {
		t.Errorf("secdef: %+v", f)
	}
	if f := got["S004/rls-not-forced"]; f.Severity != checks.P3 || !strings.Contains(f.Recommendation, `ALTER TABLE s.t FORCE ROW LEVEL SECURITY;`) {
		t.Errorf("rls: %+v", f)
	}
	if len(analyze(Data{})) != 0 {
		t.Error("empty data has findings")
	}
}
