package g005

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/report"
)

// render renders r with the check's template, as the Markdown report would.
func render(t *testing.T, r checktest.Result) string {
	t.Helper()
	rd, err := report.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	if !rd.HasTemplate("G005") {
		t.Fatal("no template F001")
	}
	rep := &report.Report{Checks: []report.Check{{ID: "G005", Title: "I/O and background writer settings", Results: []report.Result{r.Result}, Findings: r.Findings}}}
	out, err := rd.CheckMarkdown(rep, &rep.Checks[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
