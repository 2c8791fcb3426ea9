package l003_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/l003"
)

func render(t *testing.T, d l003.Data) string { return checktest.Template(t, "L003", d) }

func TestTemplate(t *testing.T) {
	last, pct := int64(1717986918), 80.0
	out := render(t, l003.Data{Total: 3, NotVisible: 1, Truncated: true, TopN: 2, User: "mon",
		SchemaGrants: []checks.Definition{"GRANT SELECT ON ALL SEQUENCES IN SCHEMA s TO mon;"},
		Columns: []l003.Column{
			{Schema: "s", Table: "t|1", Column: "id", Type: "integer", SeqSchema: "s", Sequence: "q", SeqType: "bigint",
				State: l003.StateRead, LastValue: &last, UsedPct: &pct, AlterCol: "ALTER TABLE s.\"t|1\" ALTER COLUMN id TYPE bigint;"},
			{Schema: "s", Table: "u", Column: "id", Type: "smallint", State: l003.StateNotVisible, Grant: "GRANT SELECT ON SEQUENCE s.u_id_seq TO mon;"},
		}})
	for _, want := range []string{"`t\\|1`", "80.0%", "1,717,986,918", "unknown: not readable", "GRANT SELECT ON SEQUENCE s.u_id_seq TO mon;",
		"GRANT SELECT ON ALL SEQUENCES IN SCHEMA s TO mon;", "first 2 of 3", "not readable by role `mon`"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, row := range strings.Split(out, "\n")[4:6] {
		if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 9 {
			t.Errorf("row has %d cell separators, want 9: %s", n, row)
		}
	}
	out = render(t, l003.Data{Total: 1, Columns: []l003.Column{{Schema: "s", Table: "t", State: l003.StateUnused}}})
	if strings.Contains(out, "not readable") || strings.Contains(out, "not read (") || !strings.Contains(out, "never used") {
		t.Errorf("zero counts must not be mentioned: %s", out)
	}
	if out := render(t, l003.Data{Columns: []l003.Column{}}); !strings.Contains(out, "No smallint") {
		t.Errorf("clean: %s", out)
	}
}
