package l004

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	out := make([]checks.Finding, 0, len(d.Tables))
	for _, x := range d.Tables {
		table := string(x.Schema) + "." + string(x.Table)
		what := "table"
		switch {
		case x.Partitioned && x.Partitions == 0:
			// still a table without a key: every partition attached later inherits that
			what = "partitioned table (no partitions yet)"
		case x.Partitioned:
			what = fmt.Sprintf("partitioned table (%d partitions)", x.Partitions)
		}
		concl := fmt.Sprintf("The %s %s (%s, about %.0f rows) has no primary key and no unique index over NOT NULL columns.",
			what, checks.Code(table), checks.Bytes(x.Bytes), x.Rows)
		code, sev := "L004/no-key", checks.P3
		if x.Bytes >= cfg.P2Bytes {
			sev = checks.P2
		}
		switch {
		case x.Published && (x.ReplicaIdentity == "default" || x.ReplicaIdentity == "nothing"):
			code, sev = "L004/published-without-replica-identity", checks.P1
			concl += " It is in a publication of updates or deletes and has no replica identity: every UPDATE and DELETE on it fails."
		case x.ReplicaIdentity == "full":
			concl += " Its replica identity is FULL: logical replication logs whole old rows and a subscriber must search for each changed row without an index."
		default:
			concl += " Logical replication cannot replicate its updates and deletes, and duplicate rows cannot be told apart."
		}
		rec := surrogateAdvice(x)
		if x.CandidateIndex != "" && !x.Partitioned {
			rec = fmt.Sprintf("The unique index %s would serve as the key if %s were NOT NULL: set NOT NULL on them (after checking "+
				"there are no NULLs) and promote it with %s. Otherwise: %s", checks.Code(string(x.CandidateIndex)),
				codes(x.NullableColumns), checks.Code("ALTER TABLE "+table+" ADD PRIMARY KEY USING INDEX "+string(x.CandidateIndex)), rec)
		}
		if code == "L004/published-without-replica-identity" {
			rec += " Until then, " + checks.Code("ALTER TABLE "+table+" REPLICA IDENTITY FULL") + " lets updates and deletes through (slowly)."
		}
		out = append(out, checks.Finding{Code: code, Severity: sev, Conclusion: concl, Recommendation: rec,
			Objects: []checks.Name{checks.Name(table)}})
	}
	listed := fmt.Sprintf("the %d largest", len(d.Tables))
	for _, u := range []struct {
		code, what string
		sev        checks.Severity
		n          int
	}{
		{"L004/published-without-replica-identity", "tables without a key", checks.P1, d.Unlisted.P1},
		{"L004/no-key", "tables without a key", checks.P2, d.Unlisted.P2},
		{"L004/no-key", "tables without a key", checks.P3, d.Unlisted.P3},
	} {
		if f := checks.Unlisted(u.code, u.sev, u.n, d.Total, u.what, listed); f != nil {
			if u.sev == checks.P1 {
				f.Conclusion += " Those are in a publication of updates or deletes without a replica identity: every UPDATE and DELETE on them fails."
			}
			out = append(out, *f)
		}
	}
	return out
}

func codes(names []checks.Name) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = checks.Code(string(n))
	}
	return strings.Join(parts, ", ")
}

const doc = `Lists tables that have neither a primary key nor a unique index that could serve as
one (valid, not deferrable, not partial, no expressions, every key column NOT NULL: what
` + "`REPLICA IDENTITY USING INDEX`" + ` accepts). Such tables cannot be replicated logically
(UPDATE and DELETE need a replica identity; tools such as pg_repack, and many ORMs, need a
key too), and duplicate rows in them cannot be told apart.

Reads catalogs only, in one query; lists the top ` + "`top_n`" + ` (default 50) by size (` + "`relpages`" + `,
as of the last VACUUM/ANALYZE). Partitions are not listed on their own: a key on the
partitioned table is a key on every partition, so the partitioned table is reported once,
with the size of all its partitions; one without partitions yet is reported too (size 0):
every partition attached to it will lack a key as well. The tables beyond ` + "`top_n`" + ` are
counted by severity, one finding per severity, so that the summary counts every one. Temporary tables and tables that belong to an
extension are left out.

- **P1** the table is in a publication of UPDATE or DELETE with no replica identity
  (default or NOTHING): every UPDATE and DELETE on it fails right now.
- **P2** the table is at least ` + "`p2_bytes`" + ` (default 1 GiB): the larger the table, the more a
  missing key costs (REPLICA IDENTITY FULL makes a subscriber scan it per changed row).
- **P3** any other table without a key.

When a unique index exists but some of its columns allow NULL, the finding names it and the
columns to make NOT NULL.`

// surrogateAdvice is the key advice for x: the columns that identify a row, or a surrogate
// key column under a name the table does not use yet. A partitioned table's key must hold
// its partition key, so no surrogate column alone can be its key.
func surrogateAdvice(x Table) string {
	qt := checks.QuoteIdent(string(x.Schema)) + "." + checks.QuoteIdent(string(x.Table))
	rec := "Add a primary key over the columns that identify a row (" + checks.Code("ALTER TABLE "+qt+" ADD PRIMARY KEY (...)") + ")"
	switch {
	case x.Partitioned:
		return rec + "; on a partitioned table it must include the partition key's columns."
	case x.SurrogateColumn == "":
		return rec + "."
	}
	return rec + ", or a surrogate one (" + checks.Code("ALTER TABLE "+qt+" ADD COLUMN "+checks.QuoteIdent(string(x.SurrogateColumn))+
		" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY") + ", which rewrites the table under an ACCESS EXCLUSIVE lock)."
}
