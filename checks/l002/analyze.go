package l002

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	shown := map[checks.Severity]int{}
	for _, k := range d.Keys {
		if k.RowsPct < cfg.KeyP3Pct {
			continue
		}
		sev := checks.P3
		if k.RowsPct >= cfg.KeyP2Pct {
			sev = checks.P2
		}
		shown[sev]++
		col := string(k.Schema) + "." + string(k.Table) + "." + string(k.Column)
		var roles []string
		if k.PK {
			roles = append(roles, "the primary key")
		}
		if k.Identity {
			roles = append(roles, "an identity column")
		} else if k.Fed {
			roles = append(roles, "fed by a sequence")
		}
		out = append(out, checks.Finding{Code: "L002/small-integer-key", Severity: sev,
			Conclusion: fmt.Sprintf("%s (%s, %s) is a key of a table with about %.0f rows, %.1f%% of the largest %s.",
				checks.Code(col), k.Type, strings.Join(roles, ", "), k.Rows, k.RowsPct, k.Type),
			Recommendation: fmt.Sprintf("Keys only grow and deleted rows do not give values back: see L003 for how far its "+
				"sequence has got, and plan the move to bigint while it is cheap (%s rewrites the table under an ACCESS "+
				"EXCLUSIVE lock; on a large table add a bigint column, fill it in batches and swap it in). Columns of "+
				"foreign keys that reference it must change too.",
				checks.Code(string(k.Fix))),
			Objects: []checks.Name{checks.Name(col)}})
	}
	out = append(out, unlistedKeys(d, shown)...)
	for _, m := range d.Mismatches {
		col := string(m.Schema) + "." + string(m.Table) + "." + string(m.Column)
		ref := string(m.RefSchema) + "." + string(m.RefTable) + "." + string(m.RefColumn)
		out = append(out, checks.Finding{Code: "L002/fk-type-mismatch", Severity: checks.P3,
			Conclusion: fmt.Sprintf("Foreign key %s: %s is %s but the column it references, %s, is %s. Every check and "+
				"join then compares across types, and a narrower referencing column cannot hold every referenced value.",
				checks.Code(string(m.Constraint)), checks.Code(col), m.Type, checks.Code(ref), m.RefType),
			Recommendation: fmt.Sprintf("Give both the same type: %s (rewrites the table under an ACCESS EXCLUSIVE lock).",
				checks.Code(string(m.Fix))),
			Objects: []checks.Name{checks.Name(col), checks.Name(ref)}})
	}
	if f := checks.Unlisted("L002/fk-type-mismatch", checks.P3, d.MismatchesTotal-len(d.Mismatches), d.MismatchesTotal,
		"foreign key columns whose type differs from the referenced column's", fmt.Sprintf("the first %d", len(d.Mismatches))); f != nil {
		out = append(out, *f)
	}
	if d.MoneyColumns > 0 {
		out = append(out, checks.Finding{Code: "L002/money", Severity: checks.P3,
			Conclusion: fmt.Sprintf("%d column(s) in %d table(s) use the money type%s. Its text form and fractional "+
				"digits follow the server's lc_monetary, so a dump restored under another locale, or a client, can read "+
				"other amounts; it holds no currency and rounds in division.", d.MoneyColumns, d.MoneyTables, listed(d, true)),
			Recommendation: "Use numeric with an explicit scale (e.g. " + checks.Code("ALTER TABLE ... ALTER COLUMN ... TYPE numeric(14,2)") +
				"), and store the currency in its own column if there can be more than one.",
			Objects: objects(d, true), Count: int(d.MoneyTables)})
	}
	if d.TimestampColumns > 0 {
		out = append(out, checks.Finding{Code: "L002/timestamp-without-time-zone", Severity: checks.Info,
			Conclusion: fmt.Sprintf("%d column(s) in %d table(s) are timestamp without time zone%s. Such values carry no "+
				"zone: they are ambiguous around daylight-saving changes and read differently by clients or servers in "+
				"other zones.", d.TimestampColumns, d.TimestampTables, listed(d, false)),
			Recommendation: "For points in time use timestamptz: " +
				checks.Code("ALTER TABLE ... ALTER COLUMN ... TYPE timestamptz USING col AT TIME ZONE '<zone the values were written in>'") +
				" (rewrites the table). Keep timestamp only for deliberate wall-clock values (opening hours, birthdays with a time).",
			Objects: objects(d, false), Count: int(d.TimestampTables)})
	}
	return out
}

// unlistedKeys counts the small integer keys beyond top_n, per severity: the query
// counts those reaching key_p2_pct among all of them.
func unlistedKeys(d Data, listed map[checks.Severity]int) []checks.Finding {
	var out []checks.Finding
	what := "smallint/integer key columns on tables whose rows reach the threshold"
	at := fmt.Sprintf("the %d nearest to their type's maximum", len(d.Keys))
	if f := checks.Unlisted("L002/small-integer-key", checks.P2, d.KeysTotalP2-listed[checks.P2], d.KeysTotal, what, at); f != nil {
		out = append(out, *f)
	}
	if f := checks.Unlisted("L002/small-integer-key", checks.P3, d.KeysTotal-d.KeysTotalP2-listed[checks.P3], d.KeysTotal, what, at); f != nil {
		out = append(out, *f)
	}
	return out
}

// listed names the first few tables holding the columns.
func listed(d Data, money bool) string {
	names := objects(d, money)
	if len(names) == 0 {
		return ""
	}
	parts := make([]string, 0, 5)
	for i, n := range names {
		if i == 5 {
			parts = append(parts, "...")
			break
		}
		parts = append(parts, checks.Code(string(n)))
	}
	return ", e.g. in " + strings.Join(parts, ", ")
}

func objects(d Data, money bool) []checks.Name {
	var out []checks.Name
	for _, t := range d.Tables {
		if money && len(t.Money) > 0 || !money && len(t.Timestamp) > 0 {
			out = append(out, checks.Name(string(t.Schema)+"."+string(t.Table)))
		}
	}
	return out
}

const doc = `Column data types that are worth a second look. Reads catalogs only, in three queries;
each list is limited to ` + "`top_n`" + ` (default 50), and what is found beyond it is counted in
findings of the same code ("1,234 ... in all; the first 50 are listed"), so the summary
counts every column. ` + "`pg_attribute`" + ` is read in one pass (for the timestamp and money
census); the key and foreign key queries probe it by index for the columns they name, and
the key query looks only at tables whose rows reach the lowest threshold.

- **Small integer keys** (` + "`L002/small-integer-key`" + `): a smallint or integer column that is the
  whole primary key, an identity column or fed by a sequence, on a table whose estimated
  rows (` + "`reltuples`" + `, all partitions) reach ` + "`key_p3_pct`" + ` (default 5%) of the type's
  maximum: **P3**; from ` + "`key_p2_pct`" + ` (default 25%): **P2**. Values are used up faster than
  rows (deletes, rollbacks and sequence caching leave gaps), and changing a key's type later
  rewrites the table and every referencing one. How far the sequence itself has got is
  L003's job; this check has no history, so it cannot tell a fast-growing table from a
  slow one.
- **Foreign key type mismatch** (` + "`L002/fk-type-mismatch`" + `, **P3**): a referencing column whose
  type (domains resolved to their base type) differs from the referenced column's, e.g.
  integer referencing bigint. varchar and text count as the same.
- **money** (` + "`L002/money`" + `, **P3**): its input, output and fractional digits depend on
  lc_monetary.
- **timestamp without time zone** (` + "`L002/timestamp-without-time-zone`" + `, **info**): often a
  deliberate choice, often not; counted per table.

varchar(n) versus text is not a finding: they perform the same. Partitions (which repeat
their parent's columns), temporary tables and tables of extensions are left out.`
