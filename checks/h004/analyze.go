package h004

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	out := make([]checks.Finding, 0, len(d.Indexes))
	for _, x := range d.Indexes {
		table := string(x.Schema) + "." + string(x.Table)
		code, what := "H004/redundant-index", ruleText(x.Rule)
		if x.Duplicate {
			code, what = "H004/duplicate-index", "is an exact duplicate of"
		}
		sev := severity(x.Rule, x.DropBytes != nil && *x.DropBytes >= cfg.P2Bytes)
		concl := fmt.Sprintf("Index %s on %s %s %s (same access method, operator classes, collations, ordering, "+
			"predicate and expressions); dropping it saves %s.",
			checks.Code(string(x.Drop)), checks.Code(table), what, checks.Code(string(x.Keep)), saves(x))
		if x.Rule == "gist-prefix" {
			concl += " A search on the leading columns alone reads more of the wider GiST index than of this one, " +
				"so the saving is less certain: compare the plans and timings of those queries before dropping."
		}
		if x.DropScans != nil && *x.DropScans > 0 {
			concl += fmt.Sprintf(" It was scanned %d time(s) since the statistics were reset; %s can serve those scans.",
				*x.DropScans, checks.Code(string(x.Keep)))
		}
		rec := fmt.Sprintf("Keep %s and drop %s: %s %s",
			checks.Code(string(x.Keep)), checks.Code(string(x.Drop)), checks.Code(string(x.DropSQL)), recreate(x))
		if x.Partitioned {
			rec += " This is a partitioned index: DROP INDEX CONCURRENTLY is not possible, and the DROP locks the table " +
				"and all its partitions (ACCESS EXCLUSIVE) while it runs; choose a quiet moment."
		}
		if x.Clustered {
			rec += fmt.Sprintf(" The table is marked CLUSTER ON %s; mark the kept index instead with %s.",
				checks.Code(string(x.Drop)), checks.Code("ALTER TABLE "+table+" CLUSTER ON "+string(x.Keep)))
		}
		rec += " Indexes also serve queries on standbys, which the primary's statistics do not show; the kept index covers those too."
		out = append(out, checks.Finding{Code: code, Severity: sev, Conclusion: concl, Recommendation: rec,
			Objects: []checks.Name{checks.Name(string(x.Schema) + "." + string(x.Drop)), checks.Name(string(x.Schema) + "." + string(x.Keep))}})
	}
	for _, u := range []struct {
		sev checks.Severity
		n   int
	}{{checks.P2, d.Unlisted.P2}, {checks.P3, d.Unlisted.P3}, {checks.Info, d.Unlisted.Info}} {
		if f := checks.Unlisted("H004/redundant-index", u.sev, u.n, d.Total,
			"redundant or duplicate indexes", fmt.Sprintf("the %d largest", len(d.Indexes))); f != nil {
			f.Conclusion += fmt.Sprintf(" Severity of those is judged from the catalog's page count (a partitioned index, "+
				"which has none of its own, counts as under %s).", checks.Bytes(cfg.P2Bytes))
			out = append(out, *f)
		}
	}
	if len(d.NotCompared) > 0 {
		names := make([]string, len(d.NotCompared))
		objects := make([]checks.Name, len(d.NotCompared))
		for i, t := range d.NotCompared {
			names[i] = checks.Code(string(t.Schema) + "." + string(t.Name))
			objects[i] = t.Schema + "." + t.Name
		}
		out = append(out, checks.Finding{Code: "H004/not-compared", Severity: checks.Info, Objects: objects,
			Conclusion: fmt.Sprintf("Partial and expression indexes of %s were not compared, because another session holds or "+
				"awaits an ACCESS EXCLUSIVE lock on the table (pgcheckup never waits for locks): redundant indexes among them "+
				"may be missing from this list.", strings.Join(names, ", ")),
			Recommendation: "Run the check again when the lock is gone."})
	}
	return out
}

// severity is P2 for a large index and P3 otherwise, one level lower for a GiST prefix,
// whose saving is uncertain.
func severity(rule checks.Label, large bool) checks.Severity {
	switch {
	case rule == "gist-prefix" && large:
		return checks.P3
	case rule == "gist-prefix":
		return checks.Info
	case large:
		return checks.P2
	}
	return checks.P3
}

// ruleText says by which rule the kept index serves the dropped one's uses.
func ruleText(rule checks.Label) string {
	switch rule {
	case "btree-prefix":
		return "is redundant: its key columns are a leading prefix of those of the btree index"
	case "gist-prefix":
		return "is redundant: its key columns are a leading prefix of those of the GiST index"
	case "gin-subset":
		return "is redundant: a multicolumn GIN index serves a search on any subset of its columns, and all of its " +
			"columns are in the GIN index"
	}
	return "is redundant: it has the same key columns as"
}

// saves is the size a drop frees, or why it is unknown.
func saves(x Index) string {
	switch {
	case x.DropBytes == nil:
		return "an unknown amount (the index is locked by another session, so its size was not read)"
	case x.Locked && x.Partitioned:
		return "at least " + checks.Bytes(*x.DropBytes) + " (some partitions are locked by another session)"
	}
	return checks.Bytes(*x.DropBytes)
}

// recreate tells how to recreate the dropped index, or how to save its definition first
// when a lock kept it from being read.
func recreate(x Index) string {
	if x.DropDef == "" {
		ident := pgx.Identifier{string(x.Schema), string(x.Drop)}.Sanitize()
		return "Another session held a lock, so its definition was not read: save the output of " +
			checks.Code("SELECT pg_get_indexdef('"+strings.ReplaceAll(ident, "'", "''")+"'::regclass);") + " first."
	}
	return "To recreate it: " + checks.Code(string(x.DropDef)+";")
}

const doc = `Finds indexes that another index on the same table makes unnecessary, and says which to
keep, which to drop, the space saved, the ` + "`DROP INDEX CONCURRENTLY`" + ` statement and the
statement that recreates the dropped index. Reads ` + "`pg_index`" + ` in one pass, keeping the indexes that
share their table, first column and operator class with another (or are GIN beside another GIN
index), and compares those with the other indexes of their table in pgcheckup; sizes, definitions and scan counts
(` + "`idx_scan`" + `) only for the top ` + "`top_n`" + ` (default 50), largest first by ` + "`relpages`" + `. The rest
are counted by severity (judged from ` + "`relpages`" + `; a partitioned index counts as small) and
reported as one finding per severity, so that the summary counts every one.

Index A is **redundant** to index B on the same table when all of this holds:

- Same access method, and B serves every search A serves, by the rule of that method (the
  finding names the rule; columns are compared as column numbers, never as text: an index
  on (c1, c2) is not a prefix of one on (c1, c23)):
  - **same-keys** (every method): the same key columns in the same order. For BRIN and
    access methods from extensions the storage parameters must be equal too
    (` + "`pages_per_range`" + ` changes what a BRIN index can tell apart).
  - **btree-prefix**: A's key columns are a leading prefix of B's.
  - **gist-prefix**: the same for GiST, which searches well on its leading column. A search
    on that column alone reads more of the wider index than of A, so the saving is
    uncertain: these findings are one level lower (info, or P3 from ` + "`p2_bytes`" + `).
  - **gin-subset**: every column of A is a column of B, in any order. A multicolumn GIN
    index serves a search on any subset of its columns as well as a narrower one does.
    When A has expression columns, their list must equal B's (compared as text).
  - Hash, SP-GiST, BRIN and other methods: same-keys only.
- For A's columns the same operator classes, collations and ordering (ASC/DESC, NULLS
  FIRST/LAST; conservative: a btree could scan one column backwards, but mixed orderings
  over several columns differ).
- Same predicate (both not partial, or the same WHERE) and, when A has expression columns,
  the same expressions.
- A's INCLUDE columns are columns of B.
- A does not back a constraint (primary key, unique, exclusion), is not referenced by a
  foreign key and is not the replica identity: such an index is never proposed for dropping.
- A unique A is only replaced by a B that is unique on exactly the same key columns (same
  deferrability and, on 15+, NULLS NOT DISTINCT). A unique index is never dropped in favour
  of a non-unique one, nor of a unique one on more columns (that enforces less).

An **exact duplicate** (same keys, INCLUDE columns and uniqueness) is its own finding. Of
two identical indexes (or two GIN indexes on the same columns in another order) the one
backing a constraint is kept, else the one the table is
CLUSTERed on, else the older one (lower OID). When several indexes could replace A, the
widest is named, so that no kept index is itself in the list.

Two identical indexes that both back constraints are not reported (dropping a constraint
needs more thought than this check can give). Invalid indexes are left out.

Before dropping: B is larger than A, so queries that used A may read a little more.
DROP INDEX CONCURRENTLY waits for running transactions but does not block reads or writes.

- **P2** the index to drop is at least ` + "`p2_bytes`" + ` (default 1 GiB).
- **P3** any other redundant or duplicate index; a GiST prefix of at least ` + "`p2_bytes`" + `.
- **info** a smaller GiST prefix.`
