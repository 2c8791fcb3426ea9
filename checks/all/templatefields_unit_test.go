package all

import (
	"reflect"
	"strings"
	"testing"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

type fakeIndex struct {
	Schema   checks.Name  `json:"schema"`
	Scans    *int64       `json:"scans,omitempty"`
	Hidden   checks.Text  `json:"-"`
	Columns  []fakeColumn `json:"columns"`
	NoTag    checks.Name
	internal string
}

type fakeColumn struct {
	Name checks.Name `json:"name"`
}

type fakeCommon struct {
	Total int `json:"total"`
}

type fakeData struct {
	fakeCommon
	Indexes []fakeIndex          `json:"indexes"`
	ByName  map[string]fakeIndex `json:"by_name"`
	Extra   any                  `json:"extra"`
}

// TestTemplateFieldCheck shows that templateFieldErrors finds a field chain the data does
// not have wherever the template reaches it: under .Data, inside range and with, through
// variables, in function arguments and in a parenthesized pipeline; and that it accepts
// every JSON name the type has (tags, untagged and embedded fields, maps, any).
func TestTemplateFieldCheck(t *testing.T) {
	for _, c := range []struct {
		name, text string
		bad        []string // each error must contain one of these, in order
	}{
		{"all fine", `{{.Data.total}} {{.Node}}{{range .Data.indexes}}{{code .schema}}{{with .scans}}{{num .}}{{end}}{{.NoTag}}` +
			`{{range $i, $c := .columns}}{{$i}}{{$c.name}}{{end}}{{end}}{{.Data.by_name.anything.schema}}{{.Data.extra.whatever.x}}` +
			`{{$d := .Data}}{{range $d.indexes}}{{len .columns}}{{end}}{{range $x := .Data.indexes}}{{$x.schema}}{{end}}`, nil},
		{"renamed under .Data", `{{.Data.totals}}`, []string{`"totals"`}},
		{"renamed in range", `{{range .Data.indexes}}{{code .schem}}{{end}}`, []string{`"schem"`}},
		{"renamed in with", `{{range .Data.indexes}}{{with .columns}}{{.name}}{{end}}{{end}}`, []string{`"name"`}},
		{"range variable", `{{range $i, $c := .Data.indexes}}{{$c.columns}}{{$c.column}}{{end}}`, []string{`"column"`}},
		{"declared variable", `{{$d := .Data}}{{if $d.index}}x{{end}}`, []string{`"index"`}},
		{"function argument", `{{if eq .Data.total .Data.tota}}{{end}}`, []string{`"tota"`}},
		{"parenthesized", `{{printf "%v" (len .Data.indexs)}}`, []string{`"indexs"`}},
		{"map value", `{{.Data.by_name.x.schemas}}`, []string{`"schemas"`}},
		{"hidden and unexported", `{{range .Data.indexes}}{{.Hidden}}{{.internal}}{{end}}`, []string{`"Hidden"`, `"internal"`}},
		{"no such root", `{{.Date}}`, []string{`"Date"`}},
		{"field of a string", `{{range .Data.indexes}}{{.schema.name}}{{end}}`, []string{`"name"`}},
		{"else keeps dot", `{{with .Data.indexes}}{{else}}{{.Data.tital}}{{end}}`, []string{`"tital"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, err := template.New("T").Funcs(report.Funcs).Parse(c.text)
			if err != nil {
				t.Fatal(err)
			}
			// internal is set only to show it exists in Go and not in the JSON.
			data := fakeData{Indexes: []fakeIndex{{internal: "not in the JSON"}}}
			got := templateFieldErrors(set, "T", reflect.TypeOf(data))
			if len(got) != len(c.bad) {
				t.Fatalf("got %d error(s), want %d:\n%s", len(got), len(c.bad), strings.Join(got, "\n"))
			}
			for i, want := range c.bad {
				if !strings.Contains(got[i], want) {
					t.Errorf("error %d = %q, want it to name %s", i, got[i], want)
				}
			}
		})
	}
}
