package a007_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/a007"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/templates"
)

func TestTemplate(t *testing.T) {
	b, db := int64(128<<20), int64(8<<20)
	d := a007.Data{
		Settings: []a007.Altered{
			{Setting: checks.Setting{Name: "shared_buffers", Value: "16384"}, Unit: "8kB", Origin: a007.AlterSystem,
				SourceFile: "/d/postgresql.auto.conf", SourceLine: 3, PendingRestart: true, Bytes: &b, DefaultBytes: &db,
				Default: checks.Setting{Name: "shared_buffers", Value: "1024"}},
			{Setting: checks.Setting{Name: "x|`y", Value: ""}, Origin: a007.CommandLine, Default: checks.Setting{Name: "x|`y", Value: "on"}},
		},
		Overrides: []a007.Override{
			{Role: "<b>r|ole", AllDatabases: true, Setting: checks.Setting{Name: "work_mem", Value: "64MB"}},
			{Database: "shop", AllRoles: true, Setting: checks.Setting{Name: "search_path", Value: ""}},
		},
	}
	out := render(t, d)
	for _, want := range []string{"`16384` 8kB (128.0 MiB)", "`1024` 8kB (8.0 MiB)", "| ALTER SYSTEM | `/d/postgresql.auto.conf`:3 |",
		"**pending restart**", "| *all* | `<b>r\\|ole` | `work_mem` | `64MB` |", "| `shop` | *all* | `search_path` | *empty* |",
		"`` x\\|`y `` | *empty* | `on` | command line | – |"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	tableRows(t, out, 5, 4)
	if out := render(t, a007.Data{Settings: []a007.Altered{}, Overrides: []a007.Override{}}); strings.Count(out, "None.") != 2 {
		t.Errorf("empty: %s", out)
	}
}

// render runs templates/A007.md.tmpl on data the way the report does: from JSON, with
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
	tmpl, err := template.New("A007.md.tmpl").Funcs(report.Funcs).ParseFS(templates.FS, "A007.md.tmpl")
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
