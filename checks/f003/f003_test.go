package f003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func settings() Data {
	return Data{Database: "app", Autovacuum: true, TrackCounts: true, VacuumThreshold: 50, VacuumScaleFactor: 0.2,
		AnalyzeThreshold: 50, AnalyzeScaleFactor: 0.1, TopN: 10, Tables: []Table{}}
}

func table(live, dead, mod float64, analyzed bool, opts ...string) Data {
	d := settings()
	tb := Table{Schema: "public", Name: "t", LiveTuples: checks.Estimate(live), DeadTuples: checks.Estimate(dead),
		ModSinceAnalyze: checks.Estimate(mod), RelTuples: checks.Estimate(live), NeverAnalyzed: !analyzed && live > 0}
	if analyzed {
		a := 3600.0
		tb.AnalyzeAgeSec = &a
	}
	applyOptions(&tb, d, opts)
	d.Tables = append(d.Tables, tb)
	return d
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		d    Data
		want map[string]checks.Severity
	}{
		{"healthy", table(100000, 100, 500, true), nil},
		{"dead at both thresholds", table(40000, 10000, 0, true), map[string]checks.Severity{"F003/dead-tuples": checks.P2}},
		{"dead just below the count", table(39996, 9999, 0, true), nil},
		{"dead just below the share", table(40001, 10000, 0, true), nil},
		{"many dead, small share", table(10_000_000, 100_000, 0, true), nil},
		{"never analyzed at the size threshold", table(1000, 0, 0, false), map[string]checks.Severity{"F003/never-analyzed": checks.P3}},
		{"never analyzed, too small", table(999, 0, 0, false), nil},
		{"stale statistics", table(50000, 0, 10001, true), map[string]checks.Severity{"F003/stale-statistics": checks.P3}},
		{"modifications at exactly the share", table(50000, 0, 10000, true), nil},
		{"modifications above the share, too few", table(1000, 0, 9999, true), nil},
		{"planted: autovacuum off, deleted rows, never analyzed", table(5000, 15000, 35000, false, "autovacuum_enabled=false"),
			map[string]checks.Severity{"F003/dead-tuples": checks.P2, "F003/never-analyzed": checks.P3}},
		{"track_counts off", func() Data { d := table(5000, 15000, 35000, false); d.TrackCounts = false; return d }(),
			map[string]checks.Severity{"F003/no-statistics": checks.P2}},
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
			for c, s := range tc.want {
				if got[c] != s {
					t.Errorf("%s: got %v, want %v", c, got[c], s)
				}
			}
			render(t, tc.d)
		})
	}
}

func TestDeadFindingText(t *testing.T) {
	d := table(5000, 15000, 35000, false, "fillfactor=90", "autovacuum_enabled=off")
	d.Autovacuum = false
	fs := analyze(d, New().cfg)
	f := fs[0]
	for _, want := range []string{"autovacuum disabled for it", `ALTER TABLE public.t RESET (autovacuum_enabled);`,
		`VACUUM (VERBOSE, ANALYZE) public.t;`, "estimates", "C007", "ALTER SYSTEM SET autovacuum = on"} {
		if !strings.Contains(f.Conclusion+f.Recommendation, want) {
			t.Errorf("lacks %q: %s %s", want, f.Conclusion, f.Recommendation)
		}
	}
	if f.Objects[0] != "public.t" {
		t.Errorf("objects %v", f.Objects)
	}
}

func TestApplyOptions(t *testing.T) {
	d := settings()
	tb := Table{RelTuples: 1000, LiveTuples: 900, DeadTuples: 100}
	applyOptions(&tb, d, []string{"autovacuum_vacuum_threshold=10", "autovacuum_vacuum_scale_factor=0.01", "autovacuum_enabled=true"})
	if !tb.AutovacuumEnabled || tb.VacuumTrigger != 20 || tb.AnalyzeTrigger != 150 || tb.DeadPercent != 10 {
		t.Fatalf("%+v", tb)
	}
	tb = Table{RelTuples: -1}
	applyOptions(&tb, d, []string{"autovacuum_enabled=f"})
	if tb.AutovacuumEnabled || tb.VacuumTrigger != 50 {
		t.Fatalf("%+v", tb)
	}
	for v, want := range map[string]bool{"false": true, "off": true, "no": true, "0": true, "n": true, "true": false, "on": false, "1": false, "o": false} {
		if isFalse(v) != want {
			t.Errorf("isFalse(%q) = %v", v, !want)
		}
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}

func render(t *testing.T, d Data) string { return checktest.Template(t, "F003", d) }
