package a013

import (
	"encoding/json"
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
	// In the table, 17.9 came out on 2026-02-26 and 17.10 (the newest of every major) on
	// 2026-05-14; the table is dated 2026-12-01. It is stale from 121 days after its newest
	// release (2026-09-12) on.
	cases := []struct {
		name    string
		version int
		now     string
		behind  int
		days    int
		want    map[string]checks.Severity
	}{
		{"current", 170010, "2026-09-11", 0, 0, nil},
		{"current, newest release 121 days old", 170010, "2026-09-12", 0, 0, map[string]checks.Severity{"A013/release-table-old": checks.Info}},
		{"newer than table", 170011, "2026-06-01", 0, 0, map[string]checks.Severity{"A013/release-table-old": checks.Info}},
		{"one behind, fresh", 170009, "2026-05-20", 1, 6, map[string]checks.Severity{"A013/minor-update-available": checks.P3}},
		{"one behind, 89 days", 170009, "2026-08-11", 1, 89, map[string]checks.Severity{"A013/minor-update-available": checks.P3}},
		{"one behind, 90 days", 170009, "2026-08-12", 1, 90, map[string]checks.Severity{"A013/minor-outdated": checks.P2}},
		{"two behind, fresh", 170008, "2026-05-20", 2, 83, map[string]checks.Severity{"A013/minor-outdated": checks.P2}},
		{"before the release date", 170009, "2026-01-01", 1, 0, map[string]checks.Severity{"A013/minor-update-available": checks.P3}},
		{"far behind", 170000, "2026-11-29", 10, 0, map[string]checks.Severity{"A013/minor-outdated": checks.P2}},
		{"unknown major", 190001, "2026-11-29", 0, 0, map[string]checks.Severity{"A013/unknown-major": checks.Info}},
		{"current, table old", 170010, "2027-04-01", 0, 0, map[string]checks.Severity{"A013/release-table-old": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := fill(tc.version, table, day(tc.now))
			d.describe(table, day(tc.now), New().cfg.TableMaxAgeDays)
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
				if !strings.Contains(f.Conclusion, "2026-12-01") {
					t.Errorf("%s does not give the table's date: %s", f.Code, f.Conclusion)
				}
				if stale := strings.Contains(f.Conclusion, "may be stale"); stale != (d.TableStale && f.Code != "A013/unknown-major" && !d.NewerThanTable) {
					t.Errorf("%s: labelled stale %v, table stale %v: %s", f.Code, stale, d.TableStale, f.Conclusion)
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

// TestSparseTable: a table that lists only the newest minor (as one made from
// postgresql.org's feed does) still counts every missed release, and says that the days
// behind are a lower bound.
func TestSparseTable(t *testing.T) {
	day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	table := &releases.Table{AsOf: releases.Date{Time: day("2026-06-01")}, Majors: []releases.Major{{Major: 17,
		Released: releases.Date{Time: day("2024-09-26")}, EOL: releases.Date{Time: day("2029-11-08")},
		Minors: []releases.Minor{{Minor: 10, Released: releases.Date{Time: day("2026-05-14")}}}}}}
	d := fill(170007, table, day("2026-05-20"))
	d.describe(table, day("2026-05-20"), 120)
	if d.ReleasesBehind != 3 || len(d.Missed) != 1 || d.DaysBehind != 6 || !d.DaysAtLeast {
		t.Fatalf("data %+v", d)
	}
	f := analyze(d, New().cfg)
	if len(f) != 1 || f[0].Code != "A013/minor-outdated" || !strings.Contains(f[0].Conclusion, "at least") ||
		!strings.Contains(f[0].Recommendation, "from 17.8 to 17.10") {
		t.Fatalf("findings %+v", f)
	}
}
