package checktest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/report"
)

// MarkdownErr renders r as the report's section for check id: the status table, the
// findings and the data through templates/<id>.md.tmpl.
func (r Result) MarkdownErr(id string) (string, error) {
	rd, err := report.NewRenderer()
	if err != nil {
		return "", err
	}
	rep := &report.Report{Nodes: []report.Node{{Name: r.Node.Name}},
		Checks: []report.Check{{ID: id, Title: id, Results: []report.Result{r.Result}, Findings: r.Findings}}}
	md, err := rd.CheckMarkdown(rep, &rep.Checks[0])
	return string(md), err
}

// Markdown is MarkdownErr that fails t on error.
func (r Result) Markdown(t testing.TB, id string) string {
	t.Helper()
	md, err := r.MarkdownErr(id)
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// Template renders data with templates/<id>.md.tmpl the way the report does: through
// JSON, so numbers arrive as json.Number.
func Template(t testing.TB, id string, data any) string {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := report.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	md, err := rd.DataMarkdown(id, report.Result{Node: "node1", Status: "ok", Data: b})
	if err != nil {
		t.Fatal(err)
	}
	return string(md)
}

// TableRows fails t for a Markdown table row whose cell count is not one of cells:
// a name with a pipe in it must not add a column.
func TableRows(t testing.TB, md string, cells ...int) {
	t.Helper()
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
		if !slices.Contains(cells, n) {
			t.Errorf("table row with %d cells, want %v: %s", n, cells, line)
		}
	}
}
