package a005_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks/a005"
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

func render(t *testing.T, data any) string { return checktest.Template(t, "A005", data) }

func tableRows(t *testing.T, out string, cells ...int) { checktest.TableRows(t, out, cells...) }
