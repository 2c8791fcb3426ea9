package h004_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks/h004"
)

func render(t *testing.T, d h004.Data) string { return checktest.Template(t, "H004", d) }

func TestTemplate(t *testing.T) {
	three := int64(3 << 20)
	out := render(t, h004.Data{Total: 2, Truncated: true, TopN: 1, Indexes: []h004.Index{{Schema: "s", Table: "t|x",
		Drop: "a_b", Keep: "k", Duplicate: true, DropBytes: &three, KeepBytes: &three, DropDef: "CREATE INDEX a_b ON s.\"t|x\" USING btree (a)",
		DropSQL: "DROP INDEX CONCURRENTLY s.a_b;", Rule: "same-keys"}}})
	for _, want := range []string{"`t\\|x`", "`a_b`", "duplicate", "| same-keys |", "3.0 MiB", "unknown", "`DROP INDEX CONCURRENTLY s.a_b;`", "first 1 of 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	row := strings.Split(out, "\n")[4]
	if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 11 {
		t.Errorf("row has %d cell separators, want 11:\n%s", n, out)
	}
	if out := render(t, h004.Data{Indexes: []h004.Index{}}); !strings.Contains(out, "No redundant") {
		t.Errorf("clean: %s", out)
	}
}

// A lock kept sizes, definitions or whole tables from being read: every cell says so
// and the tables are named.
func TestTemplateLocked(t *testing.T) {
	out := render(t, h004.Data{Total: 1, Indexes: []h004.Index{{Schema: "s", Table: "t", Drop: "a_b", Keep: "k",
		Locked: true, DropSQL: "DROP INDEX CONCURRENTLY s.a_b;"}},
		NotCompared: []h004.Table{{Schema: "s", Name: "busy"}, {Schema: "s", Name: "other"}}})
	for _, want := range []string{"| unknown (locked) |", "| not read (locked) |", "lock on a table or index of `a_b`",
		"partial and expression indexes of `s`.`busy`, `s`.`other`, because"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	checktest.TableRows(t, out, 10)
	out = render(t, h004.Data{Indexes: []h004.Index{}, NotCompared: []h004.Table{{Schema: "s", Name: "busy"}}})
	if !strings.Contains(out, "No redundant or duplicate indexes among those compared.") || !strings.Contains(out, "`s`.`busy`") {
		t.Errorf("nothing listed, a table not compared:\n%s", out)
	}
}
