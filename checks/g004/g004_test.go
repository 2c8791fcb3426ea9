package g004

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func set(name, value, boot string) pgsettings.Converted {
	vt := "real"
	if boot == "on" || boot == "off" {
		vt = "bool"
	}
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		BootVal: checks.Text(boot), Source: "default", VarType: checks.Text(vt)})
}

// ssd is a server tuned for SSDs, otherwise at the defaults.
func ssd() []pgsettings.Converted {
	return []pgsettings.Converted{
		set("random_page_cost", "1.1", "4"), set("seq_page_cost", "1", "1"),
		set("default_statistics_target", "100", "100"), set("jit", "off", "on"), set("jit_above_cost", "100000", "100000"),
		set("enable_seqscan", "on", "on"), set("enable_partitionwise_join", "off", "off"), set("enable_nestloop", "on", "on"),
	}
}

func with(list []pgsettings.Converted, name, value string) []pgsettings.Converted {
	out := append([]pgsettings.Converted(nil), list...)
	for i, s := range out {
		if string(s.Name) == name {
			out[i] = set(name, value, string(s.BootVal))
		}
	}
	return out
}

func TestAnalyze(t *testing.T) {
	type sev = map[string]checks.Severity
	cols := []Column{{Ident: "public.t", Column: "a", Target: 0}, {Ident: "public.t", Column: "b", Target: 1000}}
	cases := []struct {
		name string
		d    Data
		want sev
	}{
		{"ssd tuned", Data{Settings: ssd()}, nil},
		{"default random_page_cost", Data{Settings: with(ssd(), "random_page_cost", "4")}, sev{"G004/random-page-cost-hdd": checks.P3}},
		{"random_page_cost 3.9", Data{Settings: with(ssd(), "random_page_cost", "3.9")}, nil},
		{"random below seq", Data{Settings: with(ssd(), "random_page_cost", "0.5")}, sev{"G004/random-below-seq": checks.P3}},
		{"enable_seqscan off", Data{Settings: with(ssd(), "enable_seqscan", "off")}, sev{"G004/planner-method-disabled": checks.P2}},
		{"partitionwise join off is the default", Data{Settings: with(ssd(), "enable_partitionwise_join", "off")}, nil},
		{"partitionwise join on", Data{Settings: with(ssd(), "enable_partitionwise_join", "on")}, nil},
		{"statistics target 100", Data{Settings: with(ssd(), "default_statistics_target", "100")}, nil},
		{"statistics target 99", Data{Settings: with(ssd(), "default_statistics_target", "99")}, sev{"G004/statistics-target": checks.P3}},
		{"statistics target 1000", Data{Settings: with(ssd(), "default_statistics_target", "1000")}, nil},
		{"statistics target 1001", Data{Settings: with(ssd(), "default_statistics_target", "1001")}, sev{"G004/statistics-target": checks.P3}},
		{"column target 0", Data{Settings: ssd(), Columns: cols, ColumnsTotal: 2, ColumnsZero: 1}, sev{"G004/column-statistics-off": checks.Info}},
		{"column target 1000", Data{Settings: ssd(), Columns: cols[1:], ColumnsTotal: 1}, nil},
		{"jit_above_cost lowered", Data{Settings: with(ssd(), "jit_above_cost", "99999")}, sev{"G004/jit-cheap-queries": checks.P3}},
		{"jit_above_cost -1", Data{Settings: with(ssd(), "jit_above_cost", "-1")}, nil},
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
					t.Errorf("%s: got %v, want %v", code, got[code], s)
				}
			}
		})
	}
}

func TestDisabledFinding(t *testing.T) {
	d := Data{Settings: with(with(ssd(), "enable_seqscan", "off"), "enable_nestloop", "off")}
	f := analyze(d, New().cfg)
	if len(f) != 1 || len(f[0].Objects) != 2 || !strings.Contains(f[0].Recommendation, "`ALTER SYSTEM RESET enable_nestloop;") {
		t.Fatalf("%+v", f)
	}
}
