package privacy

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// TestCustomSettingsHidden: a custom (dotted) setting may hold a secret (PostgREST keeps
// its JWT secret in app.jwt_secret); its value is replaced, in every mode, while built-in
// settings, set anywhere (work_mem per role), keep theirs.
func TestCustomSettingsHidden(t *testing.T) {
	type data struct {
		List []checks.Setting
	}
	in := data{List: []checks.Setting{
		{Name: "app.jwt_secret", Value: "CANARY_jwt"},
		{Name: "MyApp.ApiKey", Value: "CANARY_api"},
		{Name: "anon.salt", Value: "CANARY_salt"},
		{Name: "app.empty", Value: ""},
		{Name: "work_mem", Value: "64MB"},
		{Name: "search_path", Value: `"$user", public`},
		{Name: "pg_stat_statements.max", Value: "5000"},
		{Name: "primary_conninfo", Value: "host=h password=CANARY_pw"},
	}}
	for _, anon := range []bool{false, true} {
		p := Policy{}
		if anon {
			a, err := NewAnonymizer([]byte("0123456789abcdef"))
			if err != nil {
				t.Fatal(err)
			}
			p.Anonymizer = a
		}
		s, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		o := &checks.Outcome{Data: in}
		if err := s.Outcome(o); err != nil {
			t.Fatal(err)
		}
		got := o.Data.(data).List
		for _, st := range got {
			if strings.Contains(string(st.Value), "CANARY") {
				t.Errorf("anonymize=%v: %s shows its value %q", anon, st.Name, st.Value)
			}
		}
		want := []checks.Setting{
			{Name: "app.jwt_secret", Value: HiddenValue, Hidden: true},
			{Name: "MyApp.ApiKey", Value: HiddenValue, Hidden: true},
			{Name: "anon.salt", Value: HiddenValue, Hidden: true},
			{Name: "app.empty", Value: ""},
			{Name: "work_mem", Value: "64MB"},
			{Name: "search_path", Value: `"$user", public`},
			{Name: "pg_stat_statements.max", Value: "5000"},
		}
		for i, w := range want {
			if anon && w.Name == "search_path" {
				continue // the anonymizer may replace names inside the value
			}
			if got[i] != w {
				t.Errorf("anonymize=%v: got %+v, want %+v", anon, got[i], w)
			}
		}
	}
}

func TestSettingShown(t *testing.T) {
	for name, want := range map[string]bool{
		"work_mem": true, "search_path": true, "Work_Mem": true, "primary_conninfo": true,
		"pg_stat_statements.track": true, "pg_stat_kcache.linux_hz": true, "auto_explain.log_min_duration": true,
		"app.jwt_secret": false, "pg_stat_statements.apikey": false, "pgsodium.getkey_script": false, "x.y": false, "": true,
	} {
		if got := SettingShown(name); got != want {
			t.Errorf("SettingShown(%q) = %v, want %v", name, got, want)
		}
	}
}
