package a005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestState(t *testing.T) {
	cases := []struct {
		installed, def string
		available      bool
		want           string
	}{
		{"1.5", "1.5", true, Current},
		{"1.4", "1.5", true, Outdated},
		{"1.9", "1.10", true, Outdated}, // numeric, not string, order
		{"1.10", "1.9", true, Newer},
		{"2.0", "1.9.9", true, Newer},
		{"1.0", "1.0.1", true, Outdated},
		{"unpackaged", "1.0", true, Outdated},
		{"3.4.0beta1", "3.4.0", true, Outdated},
		{"1.0", "", false, Missing},
	}
	for _, c := range cases {
		if got := state(c.installed, c.def, c.available); string(got) != c.want {
			t.Errorf("state(%q, %q, %v) = %s, want %s", c.installed, c.def, c.available, got, c.want)
		}
	}
}

func ext(name, installed, def string, available bool) Extension {
	return Extension{Name: checks.Name(name), Installed: checks.Text(installed), DefaultVersion: checks.Text(def),
		Schema: "public", State: state(installed, def, available)}
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		exts []Extension
		want map[string][]checks.Name
	}{
		{"all current", []Extension{ext("plpgsql", "1.0", "1.0", true), ext("pg_trgm", "1.6", "1.6", true)}, nil},
		{"newer is no finding", []Extension{ext("pg_trgm", "1.7", "1.6", true)}, nil},
		{"outdated", []Extension{ext("pgstattuple", "1.4", "1.5", true), ext("plpgsql", "1.0", "1.0", true), ext("uuid-ossp", "1.0", "1.1", true)},
			map[string][]checks.Name{"A005/outdated": {"pgstattuple", "uuid-ossp"}}},
		{"missing and outdated", []Extension{ext("gone", "1.0", "", false), ext("hstore", "1.4", "1.8", true)},
			map[string][]checks.Name{"A005/outdated": {"hstore"}, "A005/files-missing": {"gone"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(Data{Database: "app", Extensions: tc.exts})
			if len(fs) != len(tc.want) {
				t.Fatalf("got %+v, want %v", fs, tc.want)
			}
			for _, f := range fs {
				want, ok := tc.want[f.Code]
				if !ok || f.Severity != checks.P3 || len(f.Objects) != len(want) {
					t.Fatalf("unexpected %+v", f)
				}
				for i := range want {
					if f.Objects[i] != want[i] {
						t.Errorf("%s objects %v, want %v", f.Code, f.Objects, want)
					}
				}
				if !strings.Contains(f.Conclusion, "`app`") {
					t.Errorf("conclusion does not name the database: %s", f.Conclusion)
				}
			}
		})
	}
	fs := analyze(Data{Database: "app", Extensions: []Extension{ext("pgstattuple", "1.4", "1.5", true), ext("uuid-ossp", "1.0", "1.1", true)}})
	if !strings.Contains(fs[0].Recommendation, `ALTER EXTENSION pgstattuple UPDATE; ALTER EXTENSION "uuid-ossp" UPDATE;`) {
		t.Errorf("recommendation: %s", fs[0].Recommendation)
	}
}
