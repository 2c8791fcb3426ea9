package a013

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/releases"
	"github.com/pgcheckup/pgcheckup/report"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN")
	table, err := releases.Load()
	if err != nil {
		t.Fatal(err)
	}
	// A plain role can read server_version_num: the check needs no privilege.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "monitor", Now: table.AsOf.Time})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	var d Data
	r.Decode(t, &d)
	if string(d.Version) != cl.Version || d.Major != cl.Major || !d.Known {
		t.Fatalf("data %+v, server %s", d, cl.Version)
	}
	if len(d.Settings) != 2 || d.Settings[1].Name != "server_version_num" {
		t.Fatalf("settings %+v", d.Settings)
	}
	behind := len(r.WithCode("A013/minor-outdated")) + len(r.WithCode("A013/minor-update-available"))
	old := len(r.WithCode("A013/release-table-old"))
	// The server's clock can make the embedded table stale, whatever the run's clock says.
	if (d.ReleasesBehind > 0) != (behind == 1) || old != 0 && (!d.TableStale || behind != 0) || len(r.Findings) != behind+old {
		t.Fatalf("%d releases behind, findings %+v", d.ReleasesBehind, r.Findings)
	}

	// A year after the table's date the server is either outdated or the table is old.
	later := checktest.Run(t, cl, New(), checktest.Options{Now: table.AsOf.AddDate(1, 0, 0)})
	if len(later.WithCode("A013/minor-outdated"))+len(later.WithCode("A013/release-table-old")) != 1 {
		t.Fatalf("a year later: %+v", later.Findings)
	}
	md := render(t, later)
	if !strings.Contains(md, "| "+cl.Version+" |") {
		t.Errorf("rendered data lacks the version:\n%s", md)
	}
}

func TestTemplateListsMissed(t *testing.T) {
	table, _ := releases.Load()
	d := fill(170008, table, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	rd, err := report.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	res := report.Result{Node: "node1", Status: checks.StatusFindings}
	res.Data = mustJSON(t, d)
	md, err := rd.CheckMarkdown(&report.Report{Nodes: []report.Node{{Name: "node1"}}}, &report.Check{ID: "A013", Results: []report.Result{res}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 17.9 | 2026-02-26 |", "| 17.10 | 2026-05-14 |", "| 17.8 | 17.10 (2026-05-14) | 2 | 95 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("lacks %q:\n%s", want, md)
		}
	}
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "A013") }

// TestStaleTableOnRealServer: a release table from 2018 is stale on the server's clock,
// though the run's clock is pinned to a month after it: the finding says the table's date,
// "may be stale" and how to refresh. Dated today, the same table carries no label.
func TestStaleTableOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	old := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	_, minor, _ := strings.Cut(cl.Version, ".")
	next, err := strconv.Atoi(minor)
	if err != nil {
		t.Fatalf("version %q: %v", cl.Version, err)
	}
	next++ // one release after the server's: P3, one release behind
	one := func(day time.Time) *releases.Table {
		d := releases.Date{Time: day}
		return &releases.Table{AsOf: d, Majors: []releases.Major{{Major: cl.Major,
			Released: releases.Date{Time: time.Date(2017, 10, 5, 0, 0, 0, 0, time.UTC)},
			EOL:      releases.Date{Time: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)},
			Minors:   []releases.Minor{{Minor: next, Released: d}}}}}
	}
	check := New()
	check.UseReleases(one(old))
	r := checktest.Run(t, cl, check, checktest.Options{Now: old.AddDate(0, 1, 0)})
	f := r.WithCode("A013/minor-update-available")
	if len(f) != 1 || !strings.Contains(f[0].Conclusion, "may be stale") || !strings.Contains(f[0].Conclusion, "2018-01-01") ||
		!strings.Contains(f[0].Recommendation, "--releases") {
		t.Fatalf("stale table: %+v", r.Findings)
	}
	if md := render(t, r); !strings.Contains(md, "may be stale") {
		t.Errorf("rendered data does not say the table may be stale:\n%s", md)
	}

	today := time.Now().UTC().Truncate(24 * time.Hour)
	fresh := New()
	fresh.UseReleases(one(today))
	r = checktest.Run(t, cl, fresh, checktest.Options{})
	f = r.WithCode("A013/minor-update-available")
	if len(f) != 1 || strings.Contains(f[0].Conclusion, "may be stale") || !strings.Contains(f[0].Conclusion, today.Format(time.DateOnly)) {
		t.Fatalf("fresh table: %+v", r.Findings)
	}
}
