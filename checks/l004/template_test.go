package l004_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/l004"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/templates"
)

func render(t *testing.T, d l004.Data) string {
	t.Helper()
	tmpl, err := template.New("").Funcs(report.Funcs).Option("missingkey=zero").ParseFS(templates.FS, "L004.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(d)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := tmpl.ExecuteTemplate(&out, "L004.md.tmpl", map[string]any{"Data": data, "Node": "node1"}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestTemplate(t *testing.T) {
	out := render(t, l004.Data{Total: 2, Truncated: true, TopN: 1, Tables: []l004.Table{{Schema: "s", Table: "t|<b>",
		Bytes: 4096, Rows: 1200, ReplicaIdentity: "full", Published: true, CandidateIndex: "t_a_key",
		NullableColumns: []checks.Name{"a_b"}}}})
	for _, want := range []string{"`t\\|<b>`", "4.0 KiB", "1,200", "full", "yes", "`t_a_key` (nullable: a\\_b)", "first 1 of 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	row := strings.Split(out, "\n")[4]
	if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 7 {
		t.Errorf("row has %d cell separators, want 7:\n%s", n, out)
	}
	if out := render(t, l004.Data{Tables: []l004.Table{}}); !strings.Contains(out, "Every table") {
		t.Errorf("clean: %s", out)
	}
}
