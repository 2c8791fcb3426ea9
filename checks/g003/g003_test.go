package g003

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func set(name, value, unit, source string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Unit: checks.Text(unit), BootVal: "0", Source: checks.Text(source)})
}

// session17 is what pgcheckup's session sees on a fresh 17: it sets statement_timeout
// and lock_timeout itself.
func session17() []pgsettings.Converted {
	return []pgsettings.Converted{
		set("statement_timeout", "30000", "ms", "client"), set("lock_timeout", "100", "ms", "client"),
		set("idle_in_transaction_session_timeout", "0", "ms", "default"), set("idle_session_timeout", "0", "ms", "default"),
		set("transaction_timeout", "0", "ms", "default"), set("deadlock_timeout", "1000", "ms", "default"),
		set("log_lock_waits", "off", "", "default"), set("max_locks_per_transaction", "64", "", "default"),
	}
}

func with(list []pgsettings.Converted, name, value, source string) []pgsettings.Converted {
	out := append([]pgsettings.Converted(nil), list...)
	for i, s := range out {
		if string(s.Name) == name {
			out[i] = set(name, value, string(s.Unit), source)
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

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]float64{"30s": 30, "1min": 60, "1.5 h": 5400, "250": 0.25, "0": 0, "'5s'": 5, "100ms": 0.1, "2d": 172800} {
		if got, ok := parseSeconds(in); !ok || got != want {
			t.Errorf("%q: %v %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "soon", "5 weeks"} {
		if _, ok := parseSeconds(in); ok {
			t.Errorf("%q parsed", in)
		}
	}
}

func TestGlobals(t *testing.T) {
	list := with(session17(), "idle_in_transaction_session_timeout", "60000", "user")
	// Files unreadable: what the session set itself is unknown.
	g := globals(list, nil, false)
	origin := map[string]Global{}
	for _, x := range g {
		origin[string(x.Name)] = x
	}
	if origin["statement_timeout"].Origin != Unknown || origin["idle_in_transaction_session_timeout"].Origin != Unknown ||
		origin["idle_session_timeout"].Origin != FromSettings || origin["idle_session_timeout"].Seconds != nil || len(g) != 5 {
		t.Fatalf("unreadable: %+v", g)
	}
	// Readable: the file's value, else the compiled-in default.
	g = globals(list, map[string]string{"statement_timeout": "5s"}, true)
	for _, x := range g {
		origin[string(x.Name)] = x
	}
	if st := origin["statement_timeout"]; st.Origin != FromFile || st.Value != "5s" || st.Seconds == nil || *st.Seconds != 5 {
		t.Fatalf("statement_timeout: %+v", st)
	}
	if lt := origin["lock_timeout"]; lt.Origin != FromDefault || lt.Seconds != nil {
		t.Fatalf("lock_timeout: %+v", lt)
	}
	// A server-wide value the session sees keeps its unit.
	g = globals(with(session17(), "idle_session_timeout", "600000", "configuration file"), nil, false)
	for _, x := range g {
		if x.Name == "idle_session_timeout" && (x.Value != "600000ms" || *x.Seconds != 600) {
			t.Fatalf("%+v", x)
		}
	}
}

func TestAnalyze(t *testing.T) {
	type sev = map[string]checks.Severity
	sec := func(v float64) *float64 { return &v }
	readable := func(list []pgsettings.Converted, file map[string]string) Data {
		return Data{Settings: list, Globals: globals(list, file, true), FileSettingsReadable: true}
	}
	withOverride := func(d Data, name, value string) Data {
		o := Override{Role: "app", Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)}}
		if v, _ := parseSeconds(value); v > 0 {
			o.Seconds = sec(v)
		}
		d.Overrides = append(d.Overrides, o)
		d.OverridesTotal = len(d.Overrides)
		return d
	}
	reset := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		d    Data
		want sev
	}{
		{"defaults, superuser", readable(session17(), nil),
			sev{"G003/no-idle-in-transaction-timeout": checks.P2, "G003/no-statement-timeout": checks.P3}},
		{"defaults, pg_monitor", Data{Settings: session17(), Globals: globals(session17(), nil, false)},
			sev{"G003/no-idle-in-transaction-timeout": checks.P2, "G003/globals-unknown": checks.Info}},
		{"idle timeout server-wide", readable(with(session17(), "idle_in_transaction_session_timeout", "600000", "configuration file"), nil),
			sev{"G003/no-statement-timeout": checks.P3}},
		{"idle timeout for one role", withOverride(readable(session17(), nil), "idle_in_transaction_session_timeout", "1min"),
			sev{"G003/no-statement-timeout": checks.P3}},
		{"idle timeout override 0", withOverride(readable(session17(), nil), "idle_in_transaction_session_timeout", "0"),
			sev{"G003/no-idle-in-transaction-timeout": checks.P2, "G003/no-statement-timeout": checks.P3}},
		{"transaction_timeout covers both", withOverride(readable(session17(), nil), "transaction_timeout", "5min"), nil},
		{"12-16: no transaction_timeout", readable(without(session17(), "transaction_timeout"), nil),
			sev{"G003/no-idle-in-transaction-timeout": checks.P2, "G003/no-statement-timeout": checks.P3}},
		{"statement timeout per role", withOverride(readable(session17(), nil), "statement_timeout", "30s"),
			sev{"G003/no-idle-in-transaction-timeout": checks.P2}},
		{"more overrides than listed", Data{Settings: session17(), Globals: globals(session17(), nil, true), OverridesTotal: 5}, nil},
		{"statement and lock timeout in file", readable(with(session17(), "idle_in_transaction_session_timeout", "60000", "configuration file"),
			map[string]string{"statement_timeout": "1min", "lock_timeout": "5s"}), sev{"G003/timeout-set-globally": checks.Info}},
		{"deadlock_timeout 100ms", readable(with(with(session17(), "deadlock_timeout", "100", "configuration file"),
			"transaction_timeout", "1000", "configuration file"), nil), sev{"G003/timeout-set-globally": checks.Info}},
		{"deadlock_timeout 99ms", readable(with(with(session17(), "deadlock_timeout", "99", "configuration file"),
			"transaction_timeout", "1000", "configuration file"), nil),
			sev{"G003/timeout-set-globally": checks.Info, "G003/deadlock-timeout": checks.P3}},
		{"deadlock_timeout 10s", withOverride(readable(with(session17(), "deadlock_timeout", "10000", "configuration file"), nil),
			"transaction_timeout", "1h"), nil},
		{"deadlock_timeout 11s", withOverride(readable(with(session17(), "deadlock_timeout", "11000", "configuration file"), nil),
			"transaction_timeout", "1h"), sev{"G003/deadlock-timeout": checks.P3}},
		{"max locks 63", withOverride(readable(with(session17(), "max_locks_per_transaction", "63", "configuration file"), nil),
			"transaction_timeout", "1h"), sev{"G003/max-locks-low": checks.P3}},
		{"deadlocks", func() Data {
			d := withOverride(readable(session17(), nil), "transaction_timeout", "1h")
			d.Deadlocks = []DBDeadlocks{{Database: "app", Deadlocks: 3, StatsReset: &reset}, {Database: "b", Deadlocks: 1}}
			d.DeadlocksTotal, d.DatabasesDeadlocked = 4, 2
			return d
		}(), sev{"G003/deadlocks": checks.P3}},
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

func TestDeadlockFinding(t *testing.T) {
	cfg := New().cfg
	cfg.MinDeadlocks = 2
	d := Data{Settings: session17(), Deadlocks: []DBDeadlocks{{Database: "app", Deadlocks: 3}, {Database: "b", Deadlocks: 1}},
		DeadlocksTotal: 9, DatabasesDeadlocked: 3}
	for _, f := range lockFindings(d, pgsettings.NewIndex(d.Settings), cfg) {
		if f.Code == "G003/deadlocks" {
			if len(f.Objects) != 1 || f.Objects[0] != "app" || !strings.Contains(f.Conclusion, "`app`: 3") ||
				!strings.Contains(f.Conclusion, "and 1 more") || !strings.Contains(f.Recommendation, "log_lock_waits") {
				t.Fatalf("%+v", f)
			}
			return
		}
	}
	t.Fatal("no deadlocks finding")
}
