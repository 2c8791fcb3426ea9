package a002

import (
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
			fill(&d, table)
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
