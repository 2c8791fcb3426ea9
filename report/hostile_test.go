package report_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite testdata/hostile/report.json from samples/demo/report.json")

var hostilePath = filepath.Join("..", "testdata", "hostile", "report.json")

// TestHostileReportFileIsCurrent keeps the committed hostile report in step with its
// recipe (reporttest.Hostile) and the demo report; -update rewrites it.
func TestHostileReportFileIsCurrent(t *testing.T) {
	demo, err := os.ReadFile(filepath.Join("..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := reporttest.Hostile(demo)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(hostilePath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(hostilePath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(hostilePath)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is not what reporttest.Hostile makes of the demo report; run go test ./report -run TestHostileReportFileIsCurrent -update", hostilePath)
	}
}

// A report.json from anyone renders to Markdown whose tables hold and which has no raw
// HTML, foreign links or hidden characters, and to HTML in which nothing can run.
func TestHostileReportRendersInert(t *testing.T) {
	r, err := report.Read(hostilePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := report.WriteRendered(dir, r, map[string]bool{report.FormatMD: true, report.FormatHTML: true}); err != nil {
		t.Fatal(err)
	}
	CheckFolder(t, dir)
}

// CheckFolder checks every Markdown file and the HTML page of a rendered report.
func CheckFolder(t *testing.T, dir string) {
	t.Helper()
	mds, _ := filepath.Glob(filepath.Join(dir, "md", "*.md"))
	for _, p := range append(mds, filepath.Join(dir, "report.md")) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		reporttest.CheckMarkdown(t, filepath.Base(p), string(b))
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	reporttest.CheckHTML(t, string(b))
}
