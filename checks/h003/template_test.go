package h003_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/h003"
)

func render(t *testing.T, d h003.Data) string { return checktest.Template(t, "H003", d) }

func TestTemplate(t *testing.T) {
	w := int64(12)
	out := render(t, h003.Data{Total: 3, Truncated: true, TopN: 1, FKs: []h003.FK{{Schema: "s", Table: "a|b<script>",
		Constraint: "c", Columns: []checks.Name{"x_1"}, RefSchema: "s", RefTable: "p", RefColumns: []checks.Name{"id"},
		TableBytes: 2048, RefWrites: &w, Fix: "CREATE INDEX CONCURRENTLY ON s.\"a|b<script>\" (x_1);"}}})
	for _, want := range []string{"`a\\|b<script>`", "x\\_1", "2.0 KiB", "| 12 |", "Showing the first 1 of 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	row := strings.Split(out, "\n")[4]
	if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 11 {
		t.Errorf("row has %d pipes, want 11:\n%s", n, out)
	}
	if out := render(t, h003.Data{FKs: []h003.FK{}}); !strings.Contains(out, "Every foreign key") {
		t.Errorf("clean: %s", out)
	}
	if out := render(t, h003.Data{FKs: []h003.FK{{Schema: "s", Table: "t"}}}); !strings.Contains(out, "unknown") {
		t.Errorf("missing writes should read unknown: %s", out)
	}
}
