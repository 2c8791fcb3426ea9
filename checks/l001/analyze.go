package l001

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// analyze says which table is the largest and what could not be measured. L001 is data:
// its findings are info only.
func analyze(d Data) []checks.Finding {
	var out []checks.Finding
	if len(d.Tables) > 0 {
		t := d.Tables[0]
		name := string(t.Schema) + "." + string(t.Name)
		var c string
		if t.TotalBytes != nil {
			c = fmt.Sprintf("The largest %s is %s: %s in total (heap %s, indexes %s, TOAST %s)", t.Kind, checks.Code(name),
				size(*t.TotalBytes), size(*t.HeapBytes), size(*t.IndexBytes), size(*t.ToastBytes))
		} else {
			c = fmt.Sprintf("The largest %s is %s: about %s by the catalog's estimate (locked: not measured)", t.Kind,
				checks.Code(name), size(t.EstimatedBytes))
		}
		if t.Partitions > 0 {
			c += fmt.Sprintf(" over %d partitions", t.Partitions)
		}
		out = append(out, checks.Finding{Code: "L001/largest-table", Severity: checks.Info,
			Conclusion: c + ", " + rowsText(t) + ".", Objects: []checks.Name{checks.Name(name)}})
	}
	var locked []string
	var objects []checks.Name
	for _, t := range d.Tables {
		if t.TotalBytes == nil {
			name := string(t.Schema) + "." + string(t.Name)
			locked = append(locked, checks.Code(name))
			objects = append(objects, checks.Name(name))
		}
	}
	if len(locked) > 0 {
		out = append(out, checks.Finding{Code: "L001/not-measured", Severity: checks.Info,
			Conclusion: fmt.Sprintf("Not measured, because another session holds or awaits an ACCESS EXCLUSIVE lock on them "+
				"(pgcheckup never waits for locks): %s. Their sizes are the catalog's estimates.", strings.Join(locked, ", ")),
			Recommendation: "Run the check again when the lock is gone for exact sizes.", Objects: objects})
	}
	if d.UnestimatedUnmeasured > 0 {
		out = append(out, checks.Finding{Code: "L001/unestimated-tables", Severity: checks.Info,
			Conclusion: fmt.Sprintf("%d tables have never been vacuumed nor analyzed, so the catalog has no size for them; "+
				"%d of them hold rows by the statistics but were not measured, and may be missing from this list.",
				d.Unestimated, d.UnestimatedUnmeasured),
			Recommendation: "Run `ANALYZE` in this database (autovacuum normally does it), then run the check again."})
	}
	return out
}

func rowsText(t Table) string {
	switch {
	case t.Rows == nil:
		return "rows unknown (never vacuumed nor analyzed)"
	case t.UnestimatedPartitions > 0:
		return fmt.Sprintf("about %.0f rows in the partitions with an estimate (%d without)", float64(*t.Rows), t.UnestimatedPartitions)
	}
	return fmt.Sprintf("about %.0f rows (planner estimate)", float64(*t.Rows))
}

func size(b int64) string { return checks.Bytes(int64(b)) }

const doc = `The largest tables of the database, by total size (heap, indexes and TOAST together), with
each part and the planner's row estimate. Mostly data, to size the database and to put the
other checks' findings in proportion; no finding is above info.

**How it is cheap.** One query, one pass over ` + "`pg_class`" + `. Tables are ranked by the catalog's
page counts (` + "`relpages`" + ` of the table, its TOAST table and its indexes), and only the top
` + "`top_n`" + ` (default 30), plus up to ` + "`top_n`" + ` tables that have no estimate at all but hold rows
by the statistics (most live rows first), are measured with ` + "`pg_total_relation_size`" + ` and
` + "`pg_indexes_size`" + ` (which stat every file of a relation); the list is then ordered by the
measured size. A table that grew a lot since its last vacuum or analyze can be ranked too
low; the report counts the tables without an estimate, with rows, that were not measured.
The count of all tables and their total size by page counts are given under the list, as
data: L001 lists sizes, not problems, so the tables it does not list are not findings.

**Partitioned tables** are listed once, summed over all their partitions (found through
` + "`pg_inherits`" + `, which takes no locks); partitions are not listed on their own. **System catalogs**
are left out, except ` + "`pg_largeobject`" + `, where large objects live. Materialized views are included.

**Rows** are ` + "`pg_class.reltuples`" + `, the estimate of the last VACUUM or ANALYZE, never a count.
"Unknown" means never vacuumed nor analyzed (reltuples = -1 from PostgreSQL 14 on; before 14
an empty table that was analyzed looks the same, and is shown as unknown too).

**Locks.** The size functions take a lock on the table, its TOAST table and its indexes. A
table on which another session holds or awaits an ACCESS EXCLUSIVE lock (ALTER TABLE, VACUUM
FULL, an uncommitted DROP or TRUNCATE) is not measured: pgcheckup never waits in a lock queue.
It is listed with its catalog estimate and marked not measured.`
