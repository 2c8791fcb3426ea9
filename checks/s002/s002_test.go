package s002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func setting(name, value string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Source: "default"})
}

func TestAnalyze(t *testing.T) {
	scramOK := []pgsettings.Converted{setting("password_encryption", "scram-sha-256"), setting("scram_iterations", "4096")}
	type sev = map[string]checks.Severity
	cases := []struct {
		name string
		d    Data
		want sev
	}{
		{"clean", Data{Settings: scramOK, Secrets: &Secrets{SCRAMTotal: 3}}, sev{}},
		{"unreadable", Data{Settings: scramOK}, sev{"S002/md5-unknown": checks.Info}},
		{"md5 setting", Data{Settings: []pgsettings.Converted{setting("password_encryption", "md5")}, Secrets: &Secrets{}},
			sev{"S002/password-encryption": checks.P2}},
		{"old on", Data{Settings: []pgsettings.Converted{setting("password_encryption", "on")}, Secrets: &Secrets{}},
			sev{"S002/password-encryption": checks.P2}},
		{"override scram is fine", Data{Settings: scramOK, Secrets: &Secrets{}, OverridesTotal: 1,
			Overrides: []Override{{Role: "a", Setting: checks.Setting{Name: "password_encryption", Value: "scram-sha-256"}}}}, sev{}},
		{"override md5", Data{Settings: scramOK, Secrets: &Secrets{}, OverridesTotal: 1,
			Overrides: []Override{{Database: "d", Setting: checks.Setting{Name: "password_encryption", Value: "md5"}}}},
			sev{"S002/password-encryption": checks.P2}},
		{"md5 secrets", Data{Settings: scramOK, Secrets: &Secrets{MD5Total: 1, MD5Roles: []checks.Name{"x"}}},
			sev{"S002/md5-passwords": checks.P2}},
		{"iterations 4095", Data{Settings: []pgsettings.Converted{setting("password_encryption", "scram-sha-256"),
			setting("scram_iterations", "4095")}, Secrets: &Secrets{}}, sev{"S002/scram-iterations-low": checks.P3}},
		{"12-15: no scram_iterations", Data{Settings: scramOK[:1], Secrets: &Secrets{}}, sev{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sev{}
			for _, f := range analyze(tc.d, New().cfg) {
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

func TestQueriesAudited(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		if !strings.HasPrefix(q.SQL, "/* pgcheckup S002 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
		// The stored secret is only ever an argument of starts_with, never a column of the result.
		if strings.Contains(q.SQL, "rolpassword") && strings.Count(q.SQL, "rolpassword") != strings.Count(q.SQL, "starts_with(rolpassword")+
			strings.Count(q.SQL, "rolpassword IS NULL")+strings.Count(q.SQL, "'rolpassword'") {
			t.Errorf("%s reads rolpassword other than through starts_with", q.Name)
		}
	}
}
