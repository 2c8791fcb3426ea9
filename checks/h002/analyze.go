package h002

import (
	"fmt"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data) []checks.Finding {
	if !d.TrackCounts {
		return []checks.Finding{{Code: "H002/no-statistics", Severity: checks.Info,
			Conclusion: "`track_counts` is off on this node: index scans are not counted, so unused indexes cannot be told " +
				"apart (autovacuum also depends on these counters).",
			Recommendation: "Set `track_counts = on` (the default)."}}
	}
	var out []checks.Finding
	node, elsewhere := "this node (the primary)", " The verdict is for this node only: an index unused here may be used on a replica."
	if d.InRecovery {
		node, elsewhere = "this node (a standby)", " The verdict is for this node only: an index unused here may be used on the primary or another replica."
	}
	since := sinceText(d)
	unused := 0
	for _, ix := range d.Indexes {
		if ix.Small && len(ix.SupportsFKs) == 0 {
			continue
		}
		unused++
		name := string(ix.Schema) + "." + string(ix.Name)
		table := string(ix.Schema) + "." + string(ix.Table)
		var c strings.Builder
		if d.TooYoung {
			fmt.Fprintf(&c, "Statistics too young to judge (%.0f days, under min_stats_age_days = %d). ", d.StatsAgeDays, d.MinStatsAgeDays)
		}
		fmt.Fprintf(&c, "Index %s on %s (%s) has had no scans on %s %s.", checks.Code(name), checks.Code(table), size(ix), node, since)
		if ix.Expressions {
			c.WriteString(" It indexes expressions: ANALYZE keeps statistics on them that the planner uses for estimates, " +
				"so dropping it can change plans even though it is never scanned.")
		}
		c.WriteString(elsewhere)
		objects := []checks.Name{checks.Name(name), checks.Name(table)}
		if len(ix.SupportsFKs) > 0 {
			fks := make([]string, len(ix.SupportsFKs))
			for i, f := range ix.SupportsFKs {
				fks[i] = checks.Code(string(f))
				objects = append(objects, f)
			}
			fmt.Fprintf(&c, " It supports foreign key %s; dropping it makes deletes/updates on the referenced table scan %s.",
				strings.Join(fks, ", "), checks.Code(table))
			out = append(out, checks.Finding{Code: "H002/unused-fk-index", Severity: checks.Info, Conclusion: c.String(),
				Recommendation: "Keep it: it is not proposed for dropping. It is dead weight only if rows of the referenced " +
					"table are never deleted and their keys never updated.",
				Objects: objects})
			continue
		}
		sev, rec := checks.P3, dropText(ix)
		if d.TooYoung {
			sev = checks.Info
			rec = fmt.Sprintf("Do not drop it on this evidence: run the check again once the statistics are at least %d days old. "+
				"Then, if it is still unused on every node: %s", d.MinStatsAgeDays, rec)
		} else {
			rec = "Check that it is unused on every node (and that no rare job, such as a month-end report, needs it), then: " + rec
		}
		out = append(out, checks.Finding{Code: "H002/unused-index", Severity: sev, Conclusion: c.String(),
			Recommendation: rec, Objects: objects})
	}
	if d.TooYoung && unused > 0 {
		out = append(out, checks.Finding{Code: "H002/stats-too-young", Severity: checks.Info,
			Conclusion: fmt.Sprintf("Statistics on %s are too young to judge (%.0f days, under min_stats_age_days = %d), "+
				"so the unused indexes are listed as info only. Scans were counted %s.", node, d.StatsAgeDays, d.MinStatsAgeDays, since),
			Recommendation: "Run this check again later; weekly or monthly jobs may use indexes that a short period never shows."})
	}
	listed := fmt.Sprintf("the %d largest", len(d.Indexes))
	if f := checks.Unlisted("H002/unused-fk-index", checks.Info, d.UnlistedFK, d.Total, "indexes without scans", listed); f != nil {
		f.Conclusion += " Those support a foreign key: they are not proposed for dropping."
		out = append(out, *f)
	}
	sev := checks.P3
	if d.TooYoung {
		sev = checks.Info
	}
	if f := checks.Unlisted("H002/unused-index", sev, d.UnlistedLarge, d.Total, "indexes without scans", listed); f != nil {
		f.Conclusion += fmt.Sprintf(" Those are at least %s by the catalog's page count; smaller ones make no finding.",
			checks.Bytes(d.MinSizeBytes))
		out = append(out, *f)
	}
	if d.Unjudged > 0 {
		out = append(out, checks.Finding{Code: "H002/not-judged", Severity: checks.Info, Count: d.Unjudged,
			Conclusion: fmt.Sprintf("%s index(es) of partitioned tables without partitions yet were not judged: "+
				"nothing below them can be scanned, so no scan count can say whether they are needed.",
				checks.Thousands(int64(d.Unjudged))),
			Recommendation: "Nothing to do now; they are judged once partitions are attached and queried."})
	}
	return out
}

func dropText(ix Index) string {
	drop, note := "DROP INDEX CONCURRENTLY ", " (outside a transaction block)."
	if ix.Partitions > 0 {
		drop, note = "DROP INDEX ", " (a partitioned index cannot be dropped CONCURRENTLY: this takes an ACCESS "+
			"EXCLUSIVE lock on the table and all its partitions)."
	}
	s := checks.Code(drop+string(ix.Ident)+";") + note
	def := string(ix.Definition)
	switch {
	case def == "":
		return s + " Its table was locked, so the definition was not read: save the output of " +
			checks.Code("SELECT pg_get_indexdef('"+strings.ReplaceAll(string(ix.Ident), "'", "''")+"'::regclass);") + " first."
	case ix.Partitions > 0:
		return s + " To recreate it: " + checks.Code(def+";") + " (or, to avoid that lock, create it CONCURRENTLY on each " +
			"partition, then ON ONLY the table, and attach them)."
	case strings.HasPrefix(def, "CREATE INDEX "):
		def = "CREATE INDEX CONCURRENTLY " + strings.TrimPrefix(def, "CREATE INDEX ")
	}
	return s + " To recreate it: " + checks.Code(def+";")
}

func size(ix Index) string {
	switch {
	case ix.SizeBytes == nil:
		return "size unknown: locked by another session"
	case ix.Locked:
		return "at least " + checks.Bytes(int64(*ix.SizeBytes)) + ", some partitions locked"
	case ix.Partitions > 0:
		return fmt.Sprintf("%s in %d partitions", checks.Bytes(int64(*ix.SizeBytes)), ix.Partitions)
	}
	return checks.Bytes(int64(*ix.SizeBytes))
}

// sinceText says since when scans were counted, and how sure that is.
func sinceText(d Data) string {
	day := d.StatsSince.UTC().Format(time.DateOnly)
	if d.StatsBasis == "stats_reset" {
		return fmt.Sprintf("since the statistics were reset on %s (%.0f days)", day, d.StatsAgeDays)
	}
	s := fmt.Sprintf("since %s or earlier (at least %.0f days: the statistics were never reset, so their exact age is "+
		"unknown and this is a lower bound", day, d.StatsAgeDays)
	return s + " that assumes the database was not created or restored after the server started)"
}

const doc = `Lists indexes with no index scans (` + "`pg_stat_all_indexes.idx_scan = 0`" + `) since the
statistics began counting, largest first (top ` + "`top_n`" + `, default 50; sizes only for those).

Never listed: unique and primary-key indexes, exclusion indexes, indexes behind any constraint
(` + "`pg_constraint.conindid`" + `), invalid indexes (see H001), system schemas. A partitioned index is
judged as a whole (scans and sizes summed over its partitions); partition indexes attached to it
are not listed on their own, as they cannot be dropped alone. An index of a partitioned
table that has no partitions yet is not judged either: no scan of it can happen or be
counted, so calling it unused would be a guess. Such indexes are counted in an info finding
(` + "`H002/not-judged`" + `). The unused indexes beyond ` + "`top_n`" + ` are counted by the finding they would make
(judged by ` + "`relpages`" + `), so that the summary counts every one.

**Foreign keys.** An index supports a foreign key when its leading columns are exactly the key's
columns on the referencing table, in any order, compared as attribute numbers (not as text
prefixes: ` + "`(c12)`" + ` does not support a key on ` + "`c1`" + `), and it is not partial and has no expression
among them. The access method is not looked at, to err on the side of keeping. Such an index
has no scans only because no referenced row was deleted (or its key updated) in the period;
dropping it makes each such delete scan the table. It is reported as info and never proposed
for dropping.

**Age of the statistics.** Scans count from ` + "`pg_stat_database.stats_reset`" + ` when set. When it
is NULL (15+, never reset) the exact age is unknown: counters live since initdb, the database's
creation or the last crash (a clean restart keeps them). pgcheckup then takes the later of the
server start (` + "`pg_postmaster_start_time()`" + `) and ` + "`pg_stat_archiver.stats_reset`" + ` (which a crash
restart moves, also one without a postmaster restart): counting began then or earlier, so the
age is a lower bound. It holds only if the database was not created or restored after that
moment, which no catalog records; the report says so. Per-index resets
(` + "`pg_stat_reset_single_table_counters`" + `) and indexes created after the reset are not seen.

- **P3** an unused index of at least ` + "`min_size_bytes`" + ` (default 1 MiB) when the statistics are
  at least ` + "`min_stats_age_days`" + ` (default 30) old: ` + "`DROP INDEX CONCURRENTLY`" + ` plus the statement
  that recreates it. 30 days lets monthly jobs (month-end reports, billing runs) show up;
  raise it where quarterly or yearly jobs matter.
- **info** the same when the statistics are younger ("too young to judge"); unused indexes that
  support a foreign key; ` + "`track_counts`" + ` off. Smaller unused indexes are listed without a
  finding: dropping them saves little.
- An expression index is flagged: ANALYZE keeps statistics on its expressions that the planner
  uses for estimates, so dropping it can change plans although it is never scanned.

**Every node.** Scans are counted per server: a standby counts only its own queries, and the
primary does not see the replicas' scans. The report therefore judges each index over every
node it checked (once per database): each node's data lists its indexes without scans (top
` + "`top_n`" + `, with ` + "`relpages`" + `, which a standby shares with its primary, so an index missing from a
node's list is known to be scanned there when it would rank before that list's last row) and
its large indexes (at least ` + "`rare_min_size_bytes`" + `, default 100 MiB, by ` + "`relpages`" + `; top ` + "`top_n`" + `),
scanned or not, with their scans, the table's writes (inserts and non-HOT updates, from
` + "`pg_stat_all_tables`" + `) and, on 16 and later, ` + "`last_idx_scan`" + `. The per-node findings are
replaced by these:

- **P3** ` + "`H002/unused-index`" + `: no scans on any node, every node of the report reached with
  statistics old enough. The finding shows each node's zero and since when it counted, then
  ` + "`DROP INDEX CONCURRENTLY`" + ` with the schema-qualified, quoted name and the ` + "`CREATE INDEX`" + ` that
  undoes it (its literals withheld unless ` + "`--definition-literals`" + `). A standby not given to
  pgcheckup is not seen: the recommendation says to check it.
- **info** ` + "`H002/unused-unknown`" + `: no scans on the nodes seen, but a node was unreachable, did not
  run the check, has ` + "`track_counts`" + ` off or statistics younger than ` + "`min_stats_age_days`" + `, or did
  not list the index (beyond its ` + "`top_n`" + `); ` + "`H002/incomplete`" + ` names those nodes and why. Never a
  drop. Unused indexes beyond ` + "`top_n`" + ` cannot be matched across nodes: with several nodes they are
  counted here too.
- **info** ` + "`H002/used-on-standby-only`" + `: no scans on the primary, scans on a standby. Not unused:
  dropping it on the primary drops it on the standbys, whose queries use it.
- **P3** ` + "`H002/rarely-used`" + ` (postgres-checkup's class): a large index whose scans, summed over
  every node, are fewer than one per ` + "`rare_writes_per_scan`" + ` (default 1,000) of its table's writes
  on the primary. Judged only when every node was seen with old enough statistics, and only
  for the listed large indexes. Its advice is to find the queries that still use it first: a
  rare scan may be one that matters.
- **info** ` + "`H002/not-compared`" + `: the nodes' system identifiers differ (not one cluster): nothing is
  compared.`
