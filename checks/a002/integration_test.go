package a002

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	// Judged on a day when every supported major is current, so only the minor release
	// of the test server can make a finding.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "postgres", Now: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	var d Data
	r.Decode(t, &d)
	if d.Major != cl.Major || d.VersionNum/10000 != cl.Major {
		t.Fatalf("major %d, server is %d", d.Major, cl.Major)
	}
	if !d.Known || d.EOL == "" {
		t.Fatalf("major %d not found in release table: %+v", d.Major, d)
	}
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
}

// oneRelease is a release table that knows one minor of major, newer than the server's,
// published on day, with the table dated day.
func oneRelease(major, minor int, day time.Time) *releases.Table {
	d := releases.Date{Time: day}
	return &releases.Table{AsOf: d, Majors: []releases.Major{{Major: major,
		Released: releases.Date{Time: time.Date(2017, 10, 5, 0, 0, 0, 0, time.UTC)},
		EOL:      releases.Date{Time: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)},
		Minors:   []releases.Minor{{Minor: minor, Released: d}}}}}
}

// TestStaleTableOnRealServer: a release table from 2018 is stale on the server's clock
// even when the run's clock is pinned to a day after the table's date: the minor-release
// finding says the table's date and "may be stale", and how to refresh it. The same
// table dated today carries no such label.
func TestStaleTableOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	old := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	check := New()
	check.UseReleases(oneRelease(cl.Major, 999, old))
	r := checktest.Run(t, cl, check, checktest.Options{Now: old.AddDate(0, 1, 0)})
	f := r.WithCode("A002/minor-behind")
	if len(f) != 1 || !strings.Contains(f[0].Conclusion, "may be stale") || !strings.Contains(f[0].Conclusion, "2018-01-01") ||
		!strings.Contains(f[0].Recommendation, "--releases") {
		t.Fatalf("stale table: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	if !d.TableStale || d.TableAgeDays < 365 {
		t.Fatalf("data: %+v", d)
	}

	today := time.Now().UTC().Truncate(24 * time.Hour)
	fresh := New()
	fresh.UseReleases(oneRelease(cl.Major, 999, today))
	r = checktest.Run(t, cl, fresh, checktest.Options{})
	f = r.WithCode("A002/minor-behind")
	if len(f) != 1 || strings.Contains(f[0].Conclusion, "may be stale") || !strings.Contains(f[0].Conclusion, today.Format(time.DateOnly)) {
		t.Fatalf("fresh table: %+v", r.Findings)
	}
	for _, f := range r.Findings {
		if !strings.Contains(f.Conclusion, today.Format(time.DateOnly)) {
			t.Errorf("%s does not say the table's date: %s", f.Code, f.Conclusion)
		}
	}
}
