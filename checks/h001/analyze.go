package h001

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data) []checks.Finding {
	out := make([]checks.Finding, 0, len(d.Indexes)+1)
	for _, ix := range d.Indexes {
		name := string(ix.Schema) + "." + string(ix.Name)
		table := string(ix.Schema) + "." + string(ix.Table)
		objects := []checks.Name{checks.Name(name), checks.Name(table)}
		if ix.Partitioned {
			out = append(out, checks.Finding{Code: "H001/partitioned-index-incomplete", Severity: checks.P3,
				Conclusion: fmt.Sprintf("Index %s on partitioned table %s is invalid: not every partition has an index "+
					"attached to it (typical after %s). It has no storage of its own; the partitions' indexes keep working, "+
					"but the partitioned index cannot back a constraint and a unique one enforces nothing across partitions.",
					checks.Code(name), checks.Code(table), checks.Code("CREATE INDEX ... ON ONLY")),
				Recommendation: fmt.Sprintf("Create the missing index on each partition (CONCURRENTLY works there) and attach it "+
					"with %s; the index turns valid once every partition has one. If it is not wanted: %s "+
					"(partitioned indexes cannot be dropped CONCURRENTLY; this takes an ACCESS EXCLUSIVE lock on the table "+
					"and its partitions).",
					checks.Code("ALTER INDEX "+string(ix.Ident)+" ATTACH PARTITION <partition index>;"),
					checks.Code("DROP INDEX "+string(ix.Ident)+";")),
				Objects: objects})
			continue
		}
		var c strings.Builder
		fmt.Fprintf(&c, "Index %s on %s (%s) is invalid: a concurrent build or rebuild failed or was interrupted, "+
			"and no query uses it.", checks.Code(name), checks.Code(table), checks.Bytes(int64(ix.SizeBytes)))
		if ix.Unique {
			c.WriteString(" It is a unique index but does not enforce uniqueness.")
		}
		if ix.Ready {
			c.WriteString(" It is still updated on every insert and update, which costs writes and WAL.")
		} else {
			c.WriteString(" Its build failed before its first pass, so writes do not maintain it.")
		}
		if ix.ValidDuplicate != "" {
			fmt.Fprintf(&c, " Valid duplicate exists: %s has the same definition.", checks.Code(string(ix.ValidDuplicate)))
		}
		if ix.TableLocked {
			c.WriteString(" Another session holds or awaits an ACCESS EXCLUSIVE lock on the table, so its definition and " +
				"a possible valid duplicate were not read (pgcheckup does not wait for locks).")
		}
		if !d.BuildsVisible {
			c.WriteString(" This role cannot see other sessions' index builds (needs pg_read_all_stats or pg_monitor): " +
				"if a CREATE INDEX CONCURRENTLY on this table is waiting right now, this may be its index.")
		}
		drop := checks.Code("DROP INDEX CONCURRENTLY " + string(ix.Ident) + ";")
		var rec string
		switch {
		case ix.ValidDuplicate != "":
			rec = fmt.Sprintf("Drop the invalid one: %s", drop)
		case ix.Schema == "pg_toast":
			rec = fmt.Sprintf("REINDEX refuses invalid indexes of TOAST tables: drop it with %s. If the TOAST table "+
				"has no valid index left, rebuild it with REINDEX TABLE CONCURRENTLY on the table that owns %s.",
				drop, checks.Code(table))
		case ix.Unique:
			rec = fmt.Sprintf("Rebuild it with %s. A unique build usually fails on duplicate values: REINDEX fails "+
				"the same way until they are removed. If the index is not needed: %s",
				checks.Code("REINDEX INDEX CONCURRENTLY "+string(ix.Ident)+";"), drop)
		default:
			again := ""
			if ix.Definition != "" {
				again = " and create it again with " + checks.Code(concurrently(string(ix.Definition)))
			}
			rec = fmt.Sprintf("Rebuild it with %s (or drop it with %s%s). "+
				"A build that failed on the data (an expression raising an error) fails again until that is fixed.",
				checks.Code("REINDEX INDEX CONCURRENTLY "+string(ix.Ident)+";"), drop, again)
		}
		out = append(out, checks.Finding{Code: "H001/invalid-index", Severity: checks.P2,
			Conclusion: c.String(), Recommendation: rec, Objects: objects})
	}
	// the unlisted ones, by severity: what is not listed is the total less what is
	stored, parted := d.TotalStored, d.Total-d.TotalStored
	for _, ix := range d.Indexes {
		if ix.Partitioned {
			parted--
		} else {
			stored--
		}
	}
	listed := fmt.Sprintf("the %d largest", len(d.Indexes))
	if f := checks.Unlisted("H001/invalid-index", checks.P2, stored, d.Total, "invalid indexes", listed); f != nil {
		out = append(out, *f)
	}
	if f := checks.Unlisted("H001/partitioned-index-incomplete", checks.P3, parted, d.Total, "invalid indexes", listed); f != nil {
		f.Conclusion += " Those are indexes of partitioned tables that lack an index on some partition."
		out = append(out, *f)
	}
	return out
}

// concurrently turns pg_get_indexdef's CREATE [UNIQUE] INDEX into its CONCURRENTLY form.
func concurrently(def string) string {
	for _, p := range []string{"CREATE INDEX ", "CREATE UNIQUE INDEX "} {
		if strings.HasPrefix(def, p) {
			return p + "CONCURRENTLY " + strings.TrimPrefix(def, p) + ";"
		}
	}
	return def + ";"
}

const doc = `Lists indexes marked invalid (` + "`pg_index.indisvalid = false`" + `): what a failed or
cancelled CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY leaves behind (the latter names them
` + "`..._ccnew`" + ` or ` + "`..._ccold`" + `). The planner never uses an invalid index; a unique one does
not enforce uniqueness; one that got past the first build pass (` + "`indisready`" + `) is still
updated on every write. An index on a partitioned table is also invalid while some partition
has no index attached to it (after ` + "`CREATE INDEX ... ON ONLY`" + `).

Reads ` + "`pg_index`" + ` in one query; size and definition only for the rows reported (top
` + "`top_n`" + `, default 100, largest first). The others are counted, one finding per severity, so
that the summary counts every invalid index.

Indexes being worked on right now are left out and listed as in progress: those named by
` + "`pg_stat_progress_create_index`" + ` (CREATE INDEX CONCURRENTLY, also while it waits between
its transactions) and those on which another session holds SHARE UPDATE EXCLUSIVE or ACCESS
EXCLUSIVE (REINDEX CONCURRENTLY and DROP INDEX CONCURRENTLY hold it for their whole run). A role
without pg_read_all_stats (part of pg_monitor) cannot see other sessions' builds; the report
then says so.

A valid duplicate is another valid index on the same table with the same access method, key
and INCLUDE columns, operator classes, collations, sort options, uniqueness (and NULLS NOT
DISTINCT on 15+), expressions and predicate.

- **P2** an invalid index: drop it with DROP INDEX CONCURRENTLY when a valid duplicate exists,
  else rebuild it with REINDEX INDEX CONCURRENTLY (12+). A unique build that failed on duplicate
  values fails again until the duplicates are removed.
  REINDEX refuses invalid indexes of TOAST tables (schema pg_toast, ` + "`..._ccnew`" + ` after a failed
  REINDEX TABLE CONCURRENTLY): drop those.
- **P3** an invalid index of a partitioned table (no storage of its own): attach the missing
  partition indexes, or drop it (not CONCURRENTLY: partitioned indexes do not support it).`
