package h004_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks/h004"
)

func render(t *testing.T, d h004.Data) string { return checktest.Template(t, "H004", d) }

func TestTemplate(t *testing.T) {
	out := render(t, h004.Data{Total: 2, Truncated: true, TopN: 1, Indexes: []h004.Index{{Schema: "s", Table: "t|x",
		Drop: "a_b", Keep: "k", Duplicate: true, DropBytes: 3 << 20, DropDef: "CREATE INDEX a_b ON s.\"t|x\" USING btree (a)",
		DropSQL: "DROP INDEX CONCURRENTLY s.a_b;"}}})
	for _, want := range []string{"`t\\|x`", "`a_b`", "duplicate", "3.0 MiB", "unknown", "`DROP INDEX CONCURRENTLY s.a_b;`", "first 1 of 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	row := strings.Split(out, "\n")[4]
	if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 10 {
		t.Errorf("row has %d cell separators, want 10:\n%s", n, out)
	}
	if out := render(t, h004.Data{Indexes: []h004.Index{}}); !strings.Contains(out, "No redundant") {
		t.Errorf("clean: %s", out)
	}
}
