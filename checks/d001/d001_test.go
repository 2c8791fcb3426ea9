package d001

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var units = map[string]string{"log_min_duration_statement": "ms", "log_temp_files": "kB", "log_autovacuum_min_duration": "ms"}

func data(change map[string]string) Data {
	vals := map[string]string{"log_min_duration_statement": "1000", "log_statement": "none", "log_lock_waits": "on",
		"log_temp_files": "0", "log_checkpoints": "on", "log_autovacuum_min_duration": "600000",
		"log_line_prefix": "%m [%p] %q%u@%d/%a ", "log_destination": "stderr", "logging_collector": "off"}
	for k, v := range change {
		vals[k] = v
	}
	var d Data
	for _, n := range names {
		d.Settings = append(d.Settings, pgsettings.Row{Setting: checks.Setting{Name: checks.Name(n), Value: checks.Text(vals[n])},
			Unit: checks.Text(units[n]), Source: "configuration file"})
	}
	fill(&d)
	return d
}

func TestAnalyze(t *testing.T) {
	sev := map[string]checks.Severity{}
	cases := []struct {
		name   string
		change map[string]string
		want   map[string]checks.Severity
	}{
		{"good", nil, sev},
		{"log_statement ddl", map[string]string{"log_statement": "ddl"}, map[string]checks.Severity{"D001/logs-passwords": checks.P2}},
		{"log_statement mod", map[string]string{"log_statement": "mod"}, map[string]checks.Severity{"D001/logs-passwords": checks.P2}},
		{"log_statement all", map[string]string{"log_statement": "all"}, map[string]checks.Severity{"D001/logs-passwords": checks.P2}},
		{"duration 0", map[string]string{"log_min_duration_statement": "0"}, map[string]checks.Severity{"D001/logs-passwords": checks.P2}},
		{"duration off", map[string]string{"log_min_duration_statement": "-1"}, map[string]checks.Severity{"D001/slow-queries-not-logged": checks.P3}},
		{"duration at limit", map[string]string{"log_min_duration_statement": "5000"}, sev},
		{"duration above limit", map[string]string{"log_min_duration_statement": "5001"}, map[string]checks.Severity{"D001/slow-query-threshold-high": checks.P3}},
		{"lock waits off", map[string]string{"log_lock_waits": "off"}, map[string]checks.Severity{"D001/lock-waits-not-logged": checks.P3}},
		{"temp files off", map[string]string{"log_temp_files": "-1"}, map[string]checks.Severity{"D001/temp-files-not-logged": checks.P3}},
		{"temp files at limit", map[string]string{"log_temp_files": "1048576"}, sev},
		{"temp files above limit", map[string]string{"log_temp_files": "1048577"}, map[string]checks.Severity{"D001/temp-files-threshold-high": checks.P3}},
		{"checkpoints off", map[string]string{"log_checkpoints": "off"}, map[string]checks.Severity{"D001/checkpoints-not-logged": checks.P3}},
		{"autovacuum off", map[string]string{"log_autovacuum_min_duration": "-1"}, map[string]checks.Severity{"D001/autovacuum-not-logged": checks.P3}},
		{"autovacuum all", map[string]string{"log_autovacuum_min_duration": "0"}, sev},
		{"autovacuum above limit", map[string]string{"log_autovacuum_min_duration": "600001"}, map[string]checks.Severity{"D001/autovacuum-threshold-high": checks.P3}},
		{"default prefix", map[string]string{"log_line_prefix": "%m [%p] "}, map[string]checks.Severity{"D001/log-line-prefix-incomplete": checks.P3}},
		{"prefix with %t %c and padding", map[string]string{"log_line_prefix": "%t [%c] %-10u %10d %a: "}, sev},
		{"prefix ignored for csvlog", map[string]string{"log_line_prefix": "", "log_destination": "csvlog, jsonlog"}, sev},
		{"prefix used with stderr and csvlog", map[string]string{"log_line_prefix": "", "log_destination": "stderr,csvlog"},
			map[string]checks.Severity{"D001/log-line-prefix-incomplete": checks.P3}},
		{"defaults of PostgreSQL 12", map[string]string{"log_min_duration_statement": "-1", "log_lock_waits": "off", "log_temp_files": "-1",
			"log_checkpoints": "off", "log_autovacuum_min_duration": "-1", "log_line_prefix": "%m [%p] "},
			map[string]checks.Severity{"D001/slow-queries-not-logged": checks.P3, "D001/lock-waits-not-logged": checks.P3,
				"D001/temp-files-not-logged": checks.P3, "D001/checkpoints-not-logged": checks.P3, "D001/autovacuum-not-logged": checks.P3,
				"D001/log-line-prefix-incomplete": checks.P3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(data(tc.change), New().cfg) {
				if f.Conclusion == "" || f.Recommendation == "" {
					t.Errorf("%s: empty text", f.Code)
				}
				got[f.Code] = f.Severity
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPrefixMissing(t *testing.T) {
	cases := map[string][]checks.Label{
		"%m [%p] %q%u@%d/%a ": {},
		"%m [%p] ":            {"user (%u)", "database (%d)", "application (%a)"},
		"":                    {"time (%m, %t or %n)", "process ID (%p or %c)", "user (%u)", "database (%d)", "application (%a)"},
		"%%m %%p %u %d %a":    {"time (%m, %t or %n)", "process ID (%p or %c)"},
		"%n %c %u %d %a%":     {},
	}
	for prefix, want := range cases {
		if got := prefixMissing(prefix); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v, want %v", prefix, got, want)
		}
	}
}

func TestPasswordFindingNamesBothCauses(t *testing.T) {
	f := analyze(data(map[string]string{"log_statement": "ddl", "log_min_duration_statement": "0"}), New().cfg)
	if len(f) != 1 || f[0].Code != "D001/logs-passwords" {
		t.Fatalf("got %+v", f)
	}
	for _, s := range []string{"log_statement = 'ddl'", "log_min_duration_statement = 0", "PASSWORD"} {
		if !strings.Contains(f[0].Conclusion, s) {
			t.Errorf("conclusion lacks %q: %s", s, f[0].Conclusion)
		}
	}
}
