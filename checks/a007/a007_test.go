package a007

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestOrigin(t *testing.T) {
	cases := []struct{ source, file, want string }{
		{"configuration file", "/data/postgresql.auto.conf", AlterSystem},
		{"configuration file", "/etc/postgresql/15/main/postgresql.conf", ConfigFile},
		{"configuration file", "", ConfigFile}, // file hidden from the role
		{"command line", "", CommandLine},
		{"environment variable", "", Environment},
		{"global", "", AllRolesAllDBs},
		{"database", "", ThisDatabase},
		{"user", "", ThisRole},
		{"database user", "", RoleInDatabase},
		{"something new", "", "something new"},
	}
	for _, c := range cases {
		if got := origin(c.source, c.file); string(got) != c.want {
			t.Errorf("origin(%q, %q) = %q, want %q", c.source, c.file, got, c.want)
		}
	}
}

func altered(name, value, file string) Altered {
	return Altered{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Source: "configuration file", SourceFile: checks.Text(file), SourceLine: 3,
		Origin: origin("configuration file", file), Default: checks.Setting{Name: checks.Name(name), Value: "0"}}
}

func TestAnalyze(t *testing.T) {
	conf, auto := "/d/postgresql.conf", "/d/postgresql.auto.conf"
	cases := []struct {
		name string
		d    Data
		want map[string][]checks.Name
	}{
		{"nothing", Data{}, nil},
		{"file only", Data{Settings: []Altered{altered("work_mem", "8192", conf)}}, nil},
		{"alter system", Data{Settings: []Altered{altered("work_mem", "8192", conf), altered("log_min_duration_statement", "1000", auto)}},
			map[string][]checks.Name{"A007/alter-system": {"log_min_duration_statement"}}},
		{"overrides", Data{Overrides: []Override{
			{Role: "app", Setting: checks.Setting{Name: "work_mem", Value: "64MB"}, AllDatabases: true},
			{Database: "shop", Role: "app", Setting: checks.Setting{Name: "search_path", Value: "shop"}},
			{Database: "shop", Setting: checks.Setting{Name: "work_mem", Value: "16MB"}, AllRoles: true},
		}}, map[string][]checks.Name{"A007/role-database-settings": {"app", "shop"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(tc.d)
			if len(fs) != len(tc.want) {
				t.Fatalf("got %+v, want %v", fs, tc.want)
			}
			for _, f := range fs {
				want, ok := tc.want[f.Code]
				if !ok || f.Severity != checks.Info || len(f.Objects) != len(want) {
					t.Fatalf("unexpected %+v", f)
				}
				for i := range want {
					if f.Objects[i] != want[i] {
						t.Errorf("%s objects %v, want %v", f.Code, f.Objects, want)
					}
				}
			}
		})
	}
}
