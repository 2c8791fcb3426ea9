package report_test

import (
	"github.com/pgcheckup/pgcheckup/checks"
	"testing"

	"github.com/pgcheckup/pgcheckup/report"
)

// A comparison made from a hostile report (every name, code, node and database a
// payload), and a hostile report.json whose "changes" hold payloads in every string,
// render inert like the rest of the report.
func TestHostileChangesRenderInert(t *testing.T) {
	r, err := report.Read(hostilePath)
	if err != nil {
		t.Fatal(err)
	}
	empty := *r
	empty.Checks = nil
	for i := range r.Checks {
		c := r.Checks[i]
		c.Findings = nil
		empty.Checks = append(empty.Checks, c)
	}
	r.Changes = report.Diff(&empty, r) // every finding new
	if len(r.Changes.New) == 0 {
		t.Fatal("no finding is new")
	}
	// Payloads where Diff puts pgcheckup's own words: the metric's name and unit, the
	// previous folder, the checks not compared.
	p := r.Project
	r.Changes.Previous = p
	r.Changes.NotCompared = []string{p}
	r.Changes.Metrics = []report.MetricChange{{Metric: p, Unit: p, Database: p, Object: checks.Name(p)}}
	dir := t.TempDir()
	if err := report.WriteJSON(dir, r); err != nil {
		t.Fatal(err)
	}
	back, err := report.Read(dir + "/report.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := report.WriteRendered(dir, back, map[string]bool{report.FormatMD: true, report.FormatHTML: true}); err != nil {
		t.Fatal(err)
	}
	CheckFolder(t, dir)
}
