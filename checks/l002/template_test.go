package l002_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/l002"
)

func render(t *testing.T, d l002.Data) string { return checktest.Template(t, "L002", d) }

func TestTemplate(t *testing.T) {
	out := render(t, l002.Data{TopN: 50, KeyP3Pct: 5, KeysTotal: 1,
		Keys: []l002.Key{{Schema: "s", Table: "t|x", Column: "id", Type: "smallint", PK: true, Fed: true, Rows: 9000,
			RowsPct: 27.47, Bytes: 1 << 20, Fix: "ALTER TABLE s.\"t|x\" ALTER COLUMN id TYPE bigint;"}},
		MismatchesTotal: 1, Mismatches: []l002.Mismatch{{Schema: "s", Table: "c", Column: "pid", Type: "integer",
			Constraint: "c_fk", RefSchema: "s", RefTable: "p", RefColumn: "id", RefType: "bigint", Fix: "ALTER TABLE s.c ALTER COLUMN pid TYPE bigint;"}},
		TimestampColumns: 2, TimestampTables: 1, MoneyColumns: 1, MoneyTables: 1,
		Tables: []l002.TypeTable{{Schema: "s", Table: "times", Timestamp: []checks.Name{"a_1", "b"}, Money: []checks.Name{"price"}}}})
	for _, want := range []string{"`t\\|x`", "27.5%", "9,000", "1.0 MiB", "primary key, sequence", "`c_fk`",
		"a\\_1, b", "price", "2 column(s) in 1 table(s)", "reach 5.0%"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	for _, row := range strings.Split(out, "\n") {
		if strings.HasPrefix(row, "| `s`") {
			cells := strings.Count(row, "|") - strings.Count(row, `\|`)
			if cells != 8 && cells != 7 && cells != 4 {
				t.Errorf("row has %d cell separators: %s", cells, row)
			}
		}
	}
	out = render(t, l002.Data{Keys: []l002.Key{}, Mismatches: []l002.Mismatch{}, Tables: []l002.TypeTable{}})
	for _, want := range []string{"none on large tables", "mismatches**: none", "no such columns"} {
		if !strings.Contains(out, want) {
			t.Errorf("clean: missing %q in %s", want, out)
		}
	}
}
