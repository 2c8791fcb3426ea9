package s005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func set(name, value, source string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Source: checks.Text(source)})
}

func clean() []pgsettings.Converted {
	return []pgsettings.Converted{set("log_statement", "none", "default"), set("log_min_duration_statement", "-1", "default"),
		set("log_min_duration_sample", "-1", "default"), set("log_statement_sample_rate", "1", "default"),
		set("log_transaction_sample_rate", "0", "default"), set("debug_print_parse", "off", "default"),
		set("log_connections", "on", "configuration file"), set("logging_collector", "on", "configuration file"),
		set("log_file_mode", "0600", "default")}
}

func with(name, value, source string) []pgsettings.Converted {
	out := clean()
	for i, s := range out {
		if string(s.Name) == name {
			out[i] = set(name, value, source)
		}
	}
	return out
}

func TestAnalyze(t *testing.T) {
	type sev = map[string]checks.Severity
	override := func(name, value string) Data {
		return Data{Settings: clean(), OverridesTotal: 1,
			Overrides: []Override{{Role: "app", Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)}}}}
	}
	cases := []struct {
		name string
		d    Data
		want sev
	}{
		{"clean", Data{Settings: clean()}, sev{}},
		{"log_statement mod", Data{Settings: with("log_statement", "mod", "configuration file")}, sev{"S005/statements-logged": checks.P2}},
		{"log_statement all", Data{Settings: with("log_statement", "all", "configuration file")}, sev{"S005/statements-logged": checks.P2}},
		{"duration 0", Data{Settings: with("log_min_duration_statement", "0", "configuration file")}, sev{"S005/statements-logged": checks.P2}},
		{"duration 1", Data{Settings: with("log_min_duration_statement", "1", "configuration file")}, sev{}},
		{"sample 0", Data{Settings: with("log_min_duration_sample", "0", "configuration file")}, sev{"S005/statements-logged": checks.P2}},
		{"sample 0 rate 0", func() Data {
			d := Data{Settings: with("log_min_duration_sample", "0", "configuration file")}
			for i, s := range d.Settings {
				if s.Name == "log_statement_sample_rate" {
					d.Settings[i] = set("log_statement_sample_rate", "0", "configuration file")
				}
			}
			return d
		}(), sev{}},
		{"role override all", override("log_statement", "all"), sev{"S005/statements-logged": checks.P2}},
		{"role override ddl quoted", override("log_statement", "'ddl'"), sev{"S005/statements-logged": checks.P2}},
		{"role override 0ms", override("log_min_duration_statement", "0ms"), sev{"S005/statements-logged": checks.P2}},
		{"role override none", override("log_statement", "none"), sev{}},
		{"own database hides it", Data{Settings: with("log_statement", "none", "database")}, sev{"S005/server-value-hidden": checks.Info}},
		{"connections off", Data{Settings: with("log_connections", "off", "default")}, sev{"S005/log-connections-off": checks.P3}},
		{"18: connections empty", Data{Settings: with("log_connections", "", "default")}, sev{"S005/log-connections-off": checks.P3}},
		{"18: connections receipt", Data{Settings: with("log_connections", "receipt,authentication", "configuration file")}, sev{}},
		{"mode 0644", Data{Settings: with("log_file_mode", "0644", "configuration file")}, sev{"S005/log-files-world-readable": checks.P3}},
		{"mode 0640", Data{Settings: with("log_file_mode", "0640", "configuration file")}, sev{}},
		{"mode 0644 without collector", func() Data {
			d := Data{Settings: with("log_file_mode", "0644", "configuration file")}
			for i, s := range d.Settings {
				if s.Name == "logging_collector" {
					d.Settings[i] = set("logging_collector", "off", "default")
				}
			}
			return d
		}(), sev{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sev{}
			for _, f := range analyze(tc.d) {
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
		if !strings.HasPrefix(q.SQL, "/* pgcheckup S005 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
	}
}
