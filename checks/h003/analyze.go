package h003

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	out := make([]checks.Finding, 0, len(d.FKs)+2)
	listed := map[checks.Severity]int{}
	for _, f := range d.FKs {
		table := qualified(f.Schema, f.Table)
		ref := qualified(f.RefSchema, f.RefTable)
		writes := "no statistics on its updates and deletes"
		written := false
		if f.RefWrites != nil {
			writes = fmt.Sprintf("%d row(s) updated or deleted since the statistics were reset", *f.RefWrites)
			written = *f.RefWrites >= cfg.MinRefWrites
		}
		sev := checks.P3
		if written && f.TableBytes >= cfg.LargeTableBytes {
			sev = checks.P2
		}
		where := checks.Code(table)
		if f.Partitioned {
			where = fmt.Sprintf("%s (%d of its %d partitions)", checks.Code(table), f.Unindexed, f.Partitions)
		}
		lead := "its columns"
		if f.Period != "" {
			lead = fmt.Sprintf("its columns other than the period %s", checks.Code(string(f.Period)))
		}
		concl := fmt.Sprintf("Foreign key %s on %s (%s) references %s (%s) but no index on %s starts with %s: "+
			"each DELETE on %s, and each UPDATE of its key, scans %s (%s, about %.0f rows). %s: %s, %s.",
			checks.Code(string(f.Constraint)), checks.Code(table), codes(f.Columns), checks.Code(ref), codes(f.RefColumns),
			where, lead, checks.Code(ref), checks.Code(table), checks.Bytes(f.TableBytes), f.TableRows,
			checks.Code(ref), checks.Bytes(f.RefBytes), writes)
		rec := fmt.Sprintf("Create the index: %s", checks.Code(string(f.Fix)))
		if f.Partitioned {
			rec = fmt.Sprintf("%s cannot be indexed CONCURRENTLY. Either run %s when a write lock is acceptable, or "+
				"create the index CONCURRENTLY on each partition that lacks it, then %s and attach each partition's index "+
				"with %s.", checks.Code(table), checks.Code(string(f.Fix)),
				checks.Code("CREATE INDEX <name> ON ONLY "+table+" (...)"), checks.Code("ALTER INDEX <name> ATTACH PARTITION <partition index>"))
		}
		switch {
		case f.FixGist:
			rec += " GiST serves both the key's equality columns and its period (`&&`); on scalar columns it needs " +
				"the `btree_gist` extension, which this database has (the referenced key's WITHOUT OVERLAPS uses it)."
		case f.Period != "":
			rec += fmt.Sprintf(" It indexes the equality columns; with the `btree_gist` extension (`CREATE EXTENSION btree_gist`) "+
				"a GiST index on all the columns would also narrow the lookup by the period %s.", checks.Code(string(f.Period)))
		}
		listed[sev]++
		out = append(out, checks.Finding{Code: "H003/fk-without-index", Severity: sev,
			Conclusion: concl, Recommendation: rec,
			Objects: []checks.Name{checks.Name(table), f.Constraint, checks.Name(ref)}})
	}
	// The ones beyond top_n, counted by severity on the server with the same rule.
	what := "foreign keys without a supporting index"
	shown := fmt.Sprintf("the %d on the largest tables", len(d.FKs))
	for _, s := range []struct {
		sev checks.Severity
		n   int
	}{{checks.P2, d.TotalP2}, {checks.P3, d.Total - d.TotalP2}} {
		if u := checks.Unlisted("H003/fk-without-index", s.sev, s.n-listed[s.sev], d.Total, what, shown); u != nil {
			out = append(out, *u)
		}
	}
	return out
}

func qualified(schema, name checks.Name) string { return string(schema) + "." + string(name) }

func codes(names []checks.Name) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = checks.Code(string(n))
	}
	return strings.Join(parts, ", ")
}

const doc = `Finds foreign keys whose referencing table has no index that can serve the lookups
Postgres runs to enforce them. Deleting a row of the referenced table (or updating its key)
runs ` + "`SELECT 1 FROM ONLY referencing WHERE $1 = fkcol ...`" + ` for every such row; without an
index that is a sequential scan of the referencing table each time, and ON DELETE CASCADE /
SET NULL do the same.

Reads only catalogs and the statistics functions behind ` + "`pg_stat_all_tables`" + `: one pass
each over ` + "`pg_constraint`" + ` and ` + "`pg_index`" + ` (every table is judged against its indexes by
pgcheckup, not by the server), then one statement that lists the top ` + "`top_n`" + ` (default 50)
by size of the referencing table. The
others are counted on the server by severity (same rule as below) and reported as one
finding per severity, so the summary counts every foreign key without an index.

An index supports the foreign key when it is valid, not partial, of access method btree,
hash or GiST, and its leading n key columns (n = number of FK columns) are exactly the FK's
columns as a set (compared as column numbers, never as text), none of them an expression;
each of those index columns must use an operator family that holds the FK's equality
operator, with the column's collation. So:

- FK (a) with an index on (b, a): **not** supported (a is not a leading column).
- FK (a, b) with an index on (a, x, b): **not** supported (the leading two are a, x).
- FK (a, b) with an index on (b, a): **supported**. The lookup has an equality on every FK
  column, and a btree whose leading columns are exactly those columns serves it in any
  order, as fast as (a, b). Recommending a second index there would only add write cost,
  so this is deliberately not reported.
- Partial and expression indexes: not supported.

On 18, a NOT ENFORCED foreign key has no triggers (nothing looks up the referencing side)
and is never reported. A temporal foreign key (` + "`FOREIGN KEY (a, PERIOD p)`" + `) is looked up
with ` + "`a = $1 AND p && $2`" + `: an index serves it when it leads with the equality columns
(any of btree, hash, GiST; the period may follow or not), or with all the columns where
each column's operator family holds its operator (GiST with ` + "`btree_gist`" + `, in any
order). An index on the period alone is not counted: the planner may pick it, but it
reads every row whose period overlaps, whatever the key. The fix for a temporal key is a
GiST index on all its columns when the types have GiST operator classes for them (for
scalar columns that is ` + "`btree_gist`" + `, which the referenced WITHOUT OVERLAPS key also
needs), otherwise a btree on the equality columns.

For a partitioned referencing table each partition is judged (the lookups scan partitions);
the finding says how many partitions lack the index. ` + "`CREATE INDEX CONCURRENTLY`" + ` is
not possible on a partitioned table; the recommendation explains the per-partition way.

Sizes come from ` + "`relpages`" + ` (as of the last VACUUM/ANALYZE), rows from
` + "`reltuples`" + `. Writes on the referenced table are ` + "`n_tup_upd + n_tup_del`" + ` since
the statistics were reset; updates that do not touch the key count too, so this is an upper
bound of the work that hits the missing index.

- **P2** the referencing table is at least ` + "`large_table_bytes`" + ` (default 100 MiB) and the
  referenced table has had at least ` + "`min_ref_writes`" + ` (default 1) updates + deletes.
- **P3** every other foreign key without a supporting index. A referenced table that never
  sees deletes or key updates makes the index unnecessary: check before creating it.`
