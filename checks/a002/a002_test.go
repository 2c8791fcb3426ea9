package a002

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

func TestAnalyze(t *testing.T) {
	table, err := releases.Load()
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	cases := []struct {
		name    string
		version int
		now     string
		want    map[string]checks.Severity
	}{
		{"current newest", 180004, "2026-11-29", nil},
		{"newest, minor behind", 180001, "2026-11-29", map[string]checks.Severity{"A002/minor-behind": checks.P2}},
		{"supported older major", 170010, "2026-11-29", map[string]checks.Severity{"A002/newer-major": checks.P3}},
		{"eol soon", 150018, "2026-11-29", map[string]checks.Severity{"A002/eol-soon": checks.P2}},
		{"eol just outside window", 150018, "2026-11-10", map[string]checks.Severity{"A002/newer-major": checks.P3}},
		{"eol on the day", 140023, "2026-11-12", map[string]checks.Severity{"A002/eol": checks.P1}},
		{"day before eol", 140023, "2026-11-11", map[string]checks.Severity{"A002/eol-soon": checks.P2}},
		{"eol and behind", 120010, "2026-11-29", map[string]checks.Severity{"A002/eol": checks.P1, "A002/minor-behind": checks.P2}},
		{"older than table", 110022, "2026-11-29", map[string]checks.Severity{"A002/unsupported-major": checks.P1}},
		{"newer than table", 190001, "2026-11-29", map[string]checks.Severity{"A002/unknown-major": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := Data{VersionNum: tc.version}
			fill(&d, table, day(tc.now), New().cfg)
			got := map[string]checks.Severity{}
			for _, f := range analyze(d, New().cfg, day(tc.now)) {
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, sev := range tc.want {
				if got[code] != sev {
					t.Errorf("%s: got %v, want %v (all: %v)", code, got[code], sev, got)
				}
			}
		})
	}
}

// TestStaleLabel: the minor-release finding says "may be stale" (and how to refresh)
// exactly when the table or its newest release is older than table_max_age_days on the
// clock; every finding gives the table's date.
func TestStaleLabel(t *testing.T) {
	day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	table := &releases.Table{AsOf: releases.Date{Time: day("2026-06-01")}, Majors: []releases.Major{{Major: 17,
		Released: releases.Date{Time: day("2024-09-26")}, EOL: releases.Date{Time: day("2029-11-08")},
		Minors: []releases.Minor{{Minor: 9, Released: releases.Date{Time: day("2026-02-26")}}, {Minor: 10, Released: releases.Date{Time: day("2026-05-14")}}}}}}
	cases := []struct {
		clock string
		max   int
		stale bool
	}{
		{"2026-09-11", 120, false}, // newest release 120 days old, table 102
		{"2026-09-12", 120, true},  // newest release 121 days old
		{"2026-09-12", 121, false},
		{"2027-06-01", 400, false}, // table 365 days old, newest 383
		{"2027-06-20", 400, true},  // table 384, newest 402
	}
	for _, tc := range cases {
		cfg := New().cfg
		cfg.TableMaxAgeDays = tc.max
		d := Data{VersionNum: 170008}
		fill(&d, table, day(tc.clock), cfg)
		fs := analyze(d, cfg, day("2026-06-02"))
		if len(fs) != 1 || fs[0].Code != "A002/minor-behind" {
			t.Fatalf("%s: %+v", tc.clock, fs)
		}
		f := fs[0]
		if got := strings.Contains(f.Conclusion, "may be stale"); got != tc.stale || d.TableStale != tc.stale {
			t.Errorf("clock %s, max %d: stale %v (data %v), want %v: %s", tc.clock, tc.max, got, d.TableStale, tc.stale, f.Conclusion)
		}
		if strings.Contains(f.Recommendation, "--releases") != tc.stale {
			t.Errorf("clock %s: refresh advice %v, want %v: %s", tc.clock, !tc.stale, tc.stale, f.Recommendation)
		}
		if !strings.Contains(f.Conclusion, "2026-06-01") || d.MinorsBehind != 2 {
			t.Errorf("clock %s: %+v", tc.clock, f)
		}
	}
	// A table that lists only the newest minor (as one made from postgresql.org's feed
	// does) still counts every missed release: minor numbers are consecutive.
	table.Majors[0].Minors = table.Majors[0].Minors[1:]
	d := Data{VersionNum: 170007}
	fill(&d, table, day("2026-06-02"), New().cfg)
	if d.MinorsBehind != 3 {
		t.Errorf("sparse table: %d behind, want 3", d.MinorsBehind)
	}
}
