package l004_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/l004"
)

func render(t *testing.T, d l004.Data) string { return checktest.Template(t, "L004", d) }

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
