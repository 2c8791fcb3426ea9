package f001

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func set(name, value, unit, boot string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Unit: checks.Text(unit), BootVal: checks.Text(boot), Source: "default"})
}

// defaults17 are the settings F001 judges, as a fresh PostgreSQL 17 has them.
func defaults17() []pgsettings.Converted {
	return []pgsettings.Converted{
		set("autovacuum", "on", "", "on"), set("track_counts", "on", "", "on"),
		set("autovacuum_naptime", "60", "s", "60"),
		set("autovacuum_vacuum_scale_factor", "0.2", "", "0.2"),
		set("autovacuum_analyze_scale_factor", "0.1", "", "0.1"),
		set("autovacuum_vacuum_insert_threshold", "1000", "", "1000"),
		set("autovacuum_freeze_max_age", "200000000", "", "200000000"),
		set("autovacuum_multixact_freeze_max_age", "400000000", "", "400000000"),
		set("autovacuum_vacuum_cost_delay", "2", "ms", "2"),
	}
}

func with(list []pgsettings.Converted, name, value string) []pgsettings.Converted {
	out := append([]pgsettings.Converted(nil), list...)
	for i, s := range out {
		if string(s.Name) == name {
			r := s.Row
			r.Value = checks.Text(value)
			out[i] = pgsettings.Convert(r)
		}
	}
	return out
}

func without(list []pgsettings.Converted, name string) []pgsettings.Converted {
	var out []pgsettings.Converted
	for _, s := range list {
		if string(s.Name) != name {
			out = append(out, s)
		}
	}
	return out
}

func TestAnalyze(t *testing.T) {
	base := defaults17()
	disabled := []Table{
		{Schema: "public", Table: "t1", Ident: "public.t1", Disabled: true},
		{Schema: "public", Table: "t2", Ident: "public.t2", Toast: true, Disabled: true},
		{Schema: "public", Table: "t3", Ident: "public.t3", Options: []checks.Text{"autovacuum_vacuum_scale_factor=0.01"}},
	}
	cases := []struct {
		name string
		d    Data
		want map[string]checks.Severity
	}{
		{"defaults", Data{Settings: base}, nil},
		{"PG 12 has no insert threshold", Data{Settings: without(base, "autovacuum_vacuum_insert_threshold")}, nil},
		{"autovacuum off", Data{Settings: with(base, "autovacuum", "off")}, map[string]checks.Severity{"F001/autovacuum-off": checks.P1}},
		{"track_counts off", Data{Settings: with(base, "track_counts", "off")}, map[string]checks.Severity{"F001/track-counts-off": checks.P1}},
		{"tables disabled", Data{Settings: base, Tables: disabled, TablesWithOptions: 3, TablesDisabled: 2},
			map[string]checks.Severity{"F001/table-autovacuum-disabled": checks.P2}},
		{"only overrides", Data{Settings: base, Tables: disabled[2:], TablesWithOptions: 1}, nil},
		{"vacuum scale factor at limit", Data{Settings: with(base, "autovacuum_vacuum_scale_factor", "0.2")}, nil},
		{"vacuum scale factor above", Data{Settings: with(base, "autovacuum_vacuum_scale_factor", "0.21")},
			map[string]checks.Severity{"F001/vacuum-scale-factor-high": checks.P3}},
		{"analyze scale factor above", Data{Settings: with(base, "autovacuum_analyze_scale_factor", "0.5")},
			map[string]checks.Severity{"F001/analyze-scale-factor-high": checks.P3}},
		{"naptime at limit", Data{Settings: with(base, "autovacuum_naptime", "60")}, nil},
		{"naptime above", Data{Settings: with(base, "autovacuum_naptime", "61")}, map[string]checks.Severity{"F001/naptime-high": checks.P3}},
		{"freeze max age at limit", Data{Settings: with(base, "autovacuum_freeze_max_age", "1200000000")}, nil},
		{"freeze max age above", Data{Settings: with(base, "autovacuum_freeze_max_age", "1200000001")},
			map[string]checks.Severity{"F001/freeze-max-age-high": checks.P3}},
		{"multixact freeze max age above", Data{Settings: with(base, "autovacuum_multixact_freeze_max_age", "1500000000")},
			map[string]checks.Severity{"F001/freeze-max-age-high": checks.P3}},
		{"insert vacuum off", Data{Settings: with(base, "autovacuum_vacuum_insert_threshold", "-1")},
			map[string]checks.Severity{"F001/insert-vacuum-disabled": checks.P3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(tc.d, New().cfg) {
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, sev := range tc.want {
				if got[code] != sev {
					t.Errorf("%s: got %v, want %v", code, got[code], sev)
				}
			}
		})
	}
}

func TestDisabledFindingNamesTables(t *testing.T) {
	var tables []Table
	for i := range 12 {
		tables = append(tables, Table{Ident: checks.Name("s.t" + string(rune('a'+i))), Disabled: true, Toast: i == 1})
	}
	f := disabledFinding(Data{Tables: tables, TablesDisabled: 30})
	if len(f.Objects) != 12 || !strings.Contains(f.Conclusion, "and 20 more") ||
		!strings.Contains(f.Recommendation, "ALTER TABLE s.tb RESET (toast.autovacuum_enabled);") ||
		!strings.Contains(f.Recommendation, "ALTER TABLE s.ta RESET (autovacuum_enabled);") {
		t.Fatalf("%+v", f)
	}
}
