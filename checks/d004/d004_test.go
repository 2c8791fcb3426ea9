package d004

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func row(name, value, vartype string) pgsettings.Row {
	return pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)}, VarType: checks.Text(vartype)}
}

type state struct {
	preload                 string // shared_preload_libraries; "-" hides it
	loaded, installed       bool
	version                 string
	kInstalled, kLoaded     bool
	change                  map[string]string
	dealloc                 int64
	days                    float64
	notAvailable, noInfoSee bool
}

func build(s state) Data {
	vals := map[string]string{"pg_stat_statements.max": "5000", "pg_stat_statements.track": "top", "pg_stat_statements.track_utility": "on",
		"pg_stat_statements.track_planning": "off", "pg_stat_statements.save": "on", "track_io_timing": "on", "compute_query_id": "auto"}
	for k, v := range s.change {
		vals[k] = v
	}
	rows := map[string]pgsettings.Row{"track_io_timing": row("track_io_timing", vals["track_io_timing"], "bool"),
		"compute_query_id": row("compute_query_id", vals["compute_query_id"], "enum")}
	if s.preload != "-" {
		rows["shared_preload_libraries"] = row("shared_preload_libraries", s.preload, "string")
	}
	if s.loaded {
		for _, n := range []string{"pg_stat_statements.max", "pg_stat_statements.track", "pg_stat_statements.track_utility", "pg_stat_statements.track_planning", "pg_stat_statements.save"} {
			rows[n] = row(n, vals[n], map[bool]string{true: "integer", false: "enum"}[n == "pg_stat_statements.max"])
		}
	} else if s.change["pg_stat_statements.max"] != "" {
		rows["pg_stat_statements.max"] = row("pg_stat_statements.max", s.change["pg_stat_statements.max"], "string")
	}
	if s.kLoaded {
		rows["pg_stat_kcache.linux_hz"] = row("pg_stat_kcache.linux_hz", "1000", "integer")
	}
	d := Data{Database: "app", VersionNum: 170000, Extensions: []Extension{
		{Name: "pg_stat_statements", Available: !s.notAvailable, AvailableVersion: "1.11", Installed: s.installed, InstalledVersion: checks.Text(s.version), Schema: "public"},
		{Name: "pg_stat_kcache", Available: s.kInstalled, AvailableVersion: "2.3.0", Installed: s.kInstalled, InstalledVersion: "2.3.0"},
	}}
	for _, n := range names {
		if r, ok := rows[n]; ok {
			d.Settings = append(d.Settings, r)
		}
	}
	fill(&d, rows)
	if d.DeallocUnknown = whyNoInfo(d, !s.noInfoSee); d.DeallocUnknown == "" {
		d.Dealloc, d.DeallocDays = &s.dealloc, s.days
	}
	return d
}

func TestAnalyze(t *testing.T) {
	good := state{preload: "pg_stat_statements, pg_stat_kcache", loaded: true, installed: true, version: "1.11", kInstalled: true, kLoaded: true}
	with := func(f func(*state)) state { s := good; f(&s); return s }
	none := map[string]checks.Severity{}
	cases := []struct {
		name string
		s    state
		want map[string]checks.Severity
	}{
		{"good", good, none},
		{"not loaded, not installed", with(func(s *state) {
			s.preload, s.loaded, s.installed, s.kInstalled, s.kLoaded = "", false, false, false, false
		}),
			map[string]checks.Severity{"D004/pgss-not-loaded": checks.P2, "D004/kcache-absent": checks.Info}},
		{"installed but not loaded", with(func(s *state) { s.preload, s.loaded, s.kLoaded = "", false, false }),
			map[string]checks.Severity{"D004/pgss-not-loaded": checks.P2, "D004/kcache-not-loaded": checks.P3}},
		{"placeholder setting is not loaded", with(func(s *state) {
			s.preload, s.loaded, s.kInstalled, s.kLoaded, s.change = "", false, false, false, map[string]string{"pg_stat_statements.max": "100"}
		}), map[string]checks.Severity{"D004/pgss-not-loaded": checks.P2, "D004/kcache-absent": checks.Info}},
		{"loaded, not installed here", with(func(s *state) { s.installed = false }), map[string]checks.Severity{"D004/pgss-not-installed": checks.P3}},
		{"old extension", with(func(s *state) { s.version = "1.8"; s.noInfoSee = true }), map[string]checks.Severity{"D004/pgss-extension-outdated": checks.Info}},
		{"track none", with(func(s *state) { s.change = map[string]string{"pg_stat_statements.track": "none"} }), map[string]checks.Severity{"D004/track-none": checks.P2}},
		{"compute_query_id off", with(func(s *state) { s.change = map[string]string{"compute_query_id": "off"} }), map[string]checks.Severity{"D004/compute-query-id-off": checks.P2}},
		{"track_planning on", with(func(s *state) { s.change = map[string]string{"pg_stat_statements.track_planning": "on"} }), map[string]checks.Severity{"D004/track-planning-on": checks.Info}},
		{"track_io_timing off", with(func(s *state) { s.change = map[string]string{"track_io_timing": "off"} }), map[string]checks.Severity{"D004/track-io-timing-off": checks.P3}},
		{"kcache absent", with(func(s *state) { s.kInstalled, s.kLoaded = false, false }), map[string]checks.Severity{"D004/kcache-absent": checks.Info}},
		{"one dealloc in 10 days", with(func(s *state) { s.dealloc, s.days = 1, 10 }), map[string]checks.Severity{"D004/deallocations": checks.P3}},
		{"239 deallocs in 10 days", with(func(s *state) { s.dealloc, s.days = 239, 10 }), map[string]checks.Severity{"D004/deallocations": checks.P3}},
		{"240 deallocs in 10 days", with(func(s *state) { s.dealloc, s.days = 240, 10 }), map[string]checks.Severity{"D004/deallocations": checks.P2}},
		{"1 dealloc just after reset", with(func(s *state) { s.dealloc, s.days = 1, 0.001 }), map[string]checks.Severity{"D004/deallocations": checks.P2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(build(tc.s), New().cfg) {
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

func TestPreloadParsing(t *testing.T) {
	for list, want := range map[string]bool{
		"pg_stat_statements": true, `"pg_stat_statements", auto_explain`: true, "$libdir/pg_stat_statements.so": true,
		"auto_explain": false, "": false, "pg_stat_statements_x": false,
	} {
		d := build(state{preload: list, loaded: want})
		if e := d.Extensions[0]; e.InPreload == nil || *e.InPreload != want {
			t.Errorf("%q: in preload %v, want %v", list, e.InPreload, want)
		}
	}
	if d := build(state{preload: "-"}); d.Extensions[0].InPreload != nil {
		t.Error("hidden shared_preload_libraries must stay unknown")
	}
}

func TestPreloadSQLKeepsTheList(t *testing.T) {
	d := build(state{preload: "auto_explain"})
	f := analyze(d, New().cfg)
	if !strings.Contains(f[0].Recommendation, "shared_preload_libraries = 'auto_explain, pg_stat_statements';") {
		t.Fatalf("recommendation: %s", f[0].Recommendation)
	}
	hidden := analyze(build(state{preload: "-"}), New().cfg)
	if !strings.Contains(hidden[0].Recommendation, "cannot read the current list") {
		t.Fatalf("recommendation: %s", hidden[0].Recommendation)
	}
}

func TestWhyNoInfo(t *testing.T) {
	d := build(state{preload: "pg_stat_statements", loaded: true, installed: true, version: "1.11"})
	if d.DeallocUnknown != "" {
		t.Fatalf("info should be readable: %s", d.DeallocUnknown)
	}
	d.VersionNum = 130000
	if whyNoInfo(d, true) == "" {
		t.Fatal("13 has no pg_stat_statements_info")
	}
	d.VersionNum = 170000
	if whyNoInfo(d, false) == "" {
		t.Error("an extension without the view: must not read it")
	}
}
