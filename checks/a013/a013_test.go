package a013

import (
	"encoding/json"
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
	// In the table, 17.9 came out on 2026-02-26 and 17.10 (the newest) on 2026-05-14.
	cases := []struct {
		name    string
		version int
		now     string
		behind  int
		days    int
		want    map[string]checks.Severity
	}{
		{"current", 170010, "2026-11-29", 0, 0, nil},
		{"newer than table", 170011, "2026-11-29", 0, 0, nil},
		{"one behind, fresh", 170009, "2026-05-20", 1, 6, map[string]checks.Severity{"A013/minor-update-available": checks.P3}},
		{"one behind, 89 days", 170009, "2026-08-11", 1, 89, map[string]checks.Severity{"A013/minor-update-available": checks.P3}},
		{"one behind, 90 days", 170009, "2026-08-12", 1, 90, map[string]checks.Severity{"A013/minor-outdated": checks.P2}},
		{"two behind, fresh", 170008, "2026-05-20", 2, 83, map[string]checks.Severity{"A013/minor-outdated": checks.P2}},
		{"before the release date", 170009, "2026-01-01", 1, 0, map[string]checks.Severity{"A013/minor-update-available": checks.P3}},
		{"far behind", 170000, "2026-11-29", 10, 0, map[string]checks.Severity{"A013/minor-outdated": checks.P2}},
		{"unknown major", 190001, "2026-11-29", 0, 0, map[string]checks.Severity{"A013/unknown-major": checks.Info}},
		{"current, table old", 170010, "2027-04-01", 0, 0, map[string]checks.Severity{"A013/release-table-old": checks.Info}},
		{"current, table 120 days old", 170010, "2027-03-29", 0, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := fill(tc.version, table, day(tc.now))
			if d.ReleasesBehind != tc.behind || len(d.Missed) != tc.behind {
				t.Errorf("behind %d (%v), want %d", d.ReleasesBehind, d.Missed, tc.behind)
			}
			if tc.days > 0 && d.DaysBehind != tc.days {
				t.Errorf("days behind %d, want %d", d.DaysBehind, tc.days)
			}
			got := map[string]checks.Severity{}
			for _, f := range analyze(d, New().cfg) {
				if f.Conclusion == "" || f.Recommendation == "" {
					t.Errorf("%s: empty text", f.Code)
				}
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, sev := range tc.want {
				if s, ok := got[code]; !ok || s != sev {
					t.Errorf("%s: got %v, want %v", code, s, sev)
				}
			}
		})
	}
}

func TestMissedReleases(t *testing.T) {
	table, _ := releases.Load()
	d := fill(170008, table, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	if len(d.Missed) != 2 || d.Missed[0].Version != "17.9" || d.Missed[1].Version != "17.10" || d.Missed[1].Released != "2026-05-14" {
		t.Fatalf("missed %+v", d.Missed)
	}
	if d.Version != "17.8" || d.LatestMinor != 10 || !d.Known || d.EOL == "" {
		t.Fatalf("data %+v", d)
	}
}

func TestConfigThresholds(t *testing.T) {
	table, _ := releases.Load()
	d := fill(170009, table, time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC))
	cfg := New().cfg
	cfg.P2Releases = 1
	f := analyze(d, cfg)
	if len(f) != 1 || f[0].Code != "A013/minor-outdated" {
		t.Fatalf("with p2_releases = 1: %+v", f)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
