package a005_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks/a005"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/templates"
)

func TestTemplate(t *testing.T) {
	d := a005.Data{Database: "a|b", Extensions: []a005.Extension{
		{Name: "x`|<b>", Installed: "1.0", DefaultVersion: "1.1", Schema: "public", Comment: "*bold* <i>", State: a005.Outdated},
		{Name: "gone", Installed: "1.0", Schema: "public", State: a005.Missing},
		{Name: "plpgsql", Installed: "1.0", DefaultVersion: "1.0", Schema: "pg_catalog", State: a005.Current},
	}}
	out := render(t, d)
	for _, want := range []string{"database `a\\|b`", "`` x`\\|<b> ``", "**outdated**", "**missing**", "*no files on this server*",
		`\*bold\* \<i\>`, "| current |"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	tableRows(t, out, 6)
	if out := render(t, a005.Data{Database: "postgres", Extensions: []a005.Extension{}}); !strings.Contains(out, "No extensions") {
		t.Errorf("empty: %s", out)
	}
}

// render runs templates/A005.md.tmpl on data the way the report does: from JSON, with
// numbers as json.Number.
func render(t *testing.T, data any) string {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New("A005.md.tmpl").Funcs(report.Funcs).ParseFS(templates.FS, "A005.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := tmpl.Execute(&out, map[string]any{"Data": generic, "Node": "node1"}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// tableRows fails t for a table row that does not have cells cells.
func tableRows(t *testing.T, out string, cells ...int) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
		if !slices.Contains(cells, n) {
			t.Errorf("table row with %d cells, want %v: %s", n, cells, line)
		}
	}
}
