package l005_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/l005"
)

func render(t *testing.T, d l005.Data) string { return checktest.Template(t, "L005", d) }

func TestTemplate(t *testing.T) {
	out := render(t, l005.Data{NotValidTotal: 2, NotValidTruncated: true, TopN: 1,
		NotValid: []l005.NotValid{{Schema: "s", Object: "t|1", Constraint: "c_1", Kind: "check",
			Definition: "CHECK ((a > 0)) NOT VALID", Bytes: 8192, Rows: 10, Fix: "ALTER TABLE s.\"t|1\" VALIDATE CONSTRAINT c_1;"}},
		BadFKsTotal: 1, BadFKs: []l005.BadFK{{Schema: "s", Table: "c", Constraint: "fk", RefSchema: "s", RefTable: "p",
			RefColumns: []checks.Name{"id"}, Index: "p_pkey", IndexSchema: "s", Problem: l005.Invalid, Fix: "REINDEX INDEX CONCURRENTLY s.p_pkey;"}}})
	for _, want := range []string{"2 constraint(s)", "`t\\|1`", "8.0 KiB", "`CHECK ((a > 0)) NOT VALID`", "1 foreign key(s)",
		"`s`.`p_pkey`", "invalid", "`top_n` = 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, row := range strings.Split(out, "\n") {
		if strings.HasPrefix(row, "| `s`") {
			if n := strings.Count(row, "|") - strings.Count(row, `\|`); n != 8 {
				t.Errorf("row has %d cell separators, want 8: %s", n, row)
			}
		}
	}
	out = render(t, l005.Data{NotValidTotal: 1, NotEnforcedTotal: 1, BadFKs: []l005.BadFK{},
		NotValid: []l005.NotValid{{Schema: "s", Object: "t", Constraint: "f", Kind: "foreign key", NotEnforced: true,
			Fix: "ALTER TABLE s.t ALTER CONSTRAINT f ENFORCED;"}}})
	for _, want := range []string{"declared NOT ENFORCED (1", "| foreign key, NOT ENFORCED |", "`ALTER TABLE s.t ALTER CONSTRAINT f ENFORCED;`"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	out = render(t, l005.Data{NotValid: []l005.NotValid{}, BadFKs: []l005.BadFK{}})
	if !strings.Contains(out, "No constraint is marked NOT VALID") || !strings.Contains(out, "Every foreign key") || strings.Contains(out, "top_n") {
		t.Errorf("clean: %s", out)
	}
}
