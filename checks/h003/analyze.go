package h003

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	out := make([]checks.Finding, 0, len(d.FKs))
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
		concl := fmt.Sprintf("Foreign key %s on %s (%s) references %s (%s) but no index on %s starts with its columns: "+
			"each DELETE on %s, and each UPDATE of its key, scans %s (%s, about %.0f rows). %s: %s, %s.",
			checks.Code(string(f.Constraint)), checks.Code(table), codes(f.Columns), checks.Code(ref), codes(f.RefColumns),
			where, checks.Code(ref), checks.Code(table), checks.Bytes(f.TableBytes), f.TableRows,
			checks.Code(ref), checks.Bytes(f.RefBytes), writes)
		rec := fmt.Sprintf("Create the index: %s", checks.Code(string(f.Fix)))
		if f.Partitioned {
			rec = fmt.Sprintf("%s cannot be indexed CONCURRENTLY. Either run %s when a write lock is acceptable, or "+
				"create the index CONCURRENTLY on each partition that lacks it, then %s and attach each partition's index "+
				"with %s.", checks.Code(table), checks.Code(string(f.Fix)),
				checks.Code("CREATE INDEX <name> ON ONLY "+table+" (...)"), checks.Code("ALTER INDEX <name> ATTACH PARTITION <partition index>"))
		}
		out = append(out, checks.Finding{Code: "H003/fk-without-index", Severity: sev,
			Conclusion: concl, Recommendation: rec,
			Objects: []checks.Name{checks.Name(table), f.Constraint, checks.Name(ref)}})
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

Reads only catalogs and ` + "`pg_stat_all_tables`" + `, in one query, and reports the top
` + "`top_n`" + ` (default 50) by size of the referencing table.

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
