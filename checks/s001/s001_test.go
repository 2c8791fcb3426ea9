package s001

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func TestAnalyze(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	type sev = map[string]checks.Severity
	cases := []struct {
		name string
		d    Data
		want sev
	}{
		{"nothing", Data{}, sev{}},
		{"dormant superuser", Data{Roles: []Role{{Name: "old", Superuser: true}}, Totals: Totals{Superusers: 1}},
			sev{"S001/extra-superuser": checks.P3}},
		{"login superuser", Data{Roles: []Role{{Name: "app", Superuser: true, CanLogin: true}}},
			sev{"S001/extra-superuser": checks.P2}},
		{"login member of a superuser", Data{Roles: []Role{{Name: "old", Superuser: true}, {Name: "app", CanLogin: true,
			MemberOfSuperusers: []checks.Name{"old"}}}}, sev{"S001/extra-superuser": checks.P2}},
		{"createrole before 16", Data{CreateRoleReachesAll: true, Roles: []Role{{Name: "cr", CanLogin: true, CreateRole: true}}},
			sev{"S001/createrole-login": checks.P2}},
		{"createrole 16+", Data{Roles: []Role{{Name: "cr", CanLogin: true, CreateRole: true}}}, sev{"S001/createrole-login": checks.P3}},
		{"createrole without login", Data{CreateRoleReachesAll: true, Roles: []Role{{Name: "cr", CreateRole: true}}}, sev{}},
		{"superuser attributes are not repeated", Data{Roles: []Role{{Name: "su", Superuser: true, CanLogin: true, BypassRLS: true,
			Replication: true, MemberOf: []checks.Name{"pg_execute_server_program"}}}}, sev{"S001/extra-superuser": checks.P2}},
		{"server files", Data{Roles: []Role{{Name: "f", MemberOf: []checks.Name{"pg_write_server_files", "rds_superuser"}}}},
			sev{"S001/server-file-access": checks.P2, "S001/managed-admin-roles": checks.Info}},
		{"expiry nowhere", Data{LoginWithoutExpiry: 5}, sev{}},
		{"expiry everywhere", Data{LoginWithExpiry: 5}, sev{}},
		{"expiry somewhere", Data{LoginWithExpiry: 1, LoginWithoutExpiry: 2, NoExpiry: []checks.Name{"a", "b"}},
			sev{"S001/no-password-expiry": checks.P3}},
		{"expiring and expired", Data{LoginWithExpiry: 2, ExpiringTotal: 2, Expiring: []Expiring{{Name: "a", ValidUntil: now.Add(-time.Second)},
			{Name: "b", ValidUntil: now}}}, sev{"S001/password-expired": checks.P3, "S001/password-expires-soon": checks.P2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sev{}
			for _, f := range analyze(tc.d, New().cfg, now) {
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, s := range tc.want {
				if got[code] != s {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestNameList(t *testing.T) {
	var names []string
	for range 25 {
		names = append(names, "`x`")
	}
	if s := nameList(names, 30); len(s) == 0 || s[len(s)-12:] != " and 10 more" {
		t.Fatalf("%q", s)
	}
}

// TestQueriesAudited runs the SQL audit the registry applies, before the check is listed
// in checks/all, and the marker comment.
func TestQueriesAudited(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		if !strings.HasPrefix(q.SQL, "/* pgcheckup S001 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
	}
}
