package a004

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// judged collects the databases one rule fires for.
type judged struct {
	names []checks.Name
	items []string
}

func (j *judged) add(d Database, detail string) {
	j.names = append(j.names, d.Name)
	j.items = append(j.items, checks.Code(string(d.Name))+" ("+detail+", "+since(d)+")")
}

func (j *judged) list() string { return strings.Join(j.items, "; ") }

func since(d Database) string {
	if d.StatsAgeSeconds == nil {
		return "statistics never reset"
	}
	return "statistics reset " + age(*d.StatsAgeSeconds) + " ago"
}

func analyze(d Data, cfg Config) []checks.Finding {
	var cache, commit, dead, temp, sums judged
	for _, db := range d.Databases {
		s := db.Stats
		if blocks := s.BlksHit + s.BlksRead; blocks >= cfg.CacheHitMinBlocks && s.CacheHitPct != nil && *s.CacheHitPct < cfg.CacheHitMinPct {
			cache.add(db, fmt.Sprintf("%.1f%% of %s block accesses", *s.CacheHitPct, count(blocks)))
		}
		if xacts := s.Commits + s.Rollbacks; xacts >= cfg.CommitMinXacts && s.CommitPct != nil && *s.CommitPct < cfg.CommitMinPct {
			commit.add(db, fmt.Sprintf("%.1f%% committed, %s rollbacks of %s transactions", *s.CommitPct, count(s.Rollbacks), count(xacts)))
		}
		if s.Deadlocks >= cfg.DeadlocksMin && s.Deadlocks > 0 {
			dead.add(db, "deadlocks: "+count(s.Deadlocks))
		}
		if s.TempBytes >= cfg.TempBytesInfo && s.TempBytes > 0 {
			temp.add(db, fmt.Sprintf("%s temporary files, %s", count(s.TempFiles), checks.Bytes(s.TempBytes)))
		}
		if s.ChecksumFailures != nil && *s.ChecksumFailures > 0 {
			detail := "failures: " + count(*s.ChecksumFailures)
			if db.ChecksumLastFailure != nil {
				detail += ", last at " + db.ChecksumLastFailure.Format("2006-01-02 15:04:05 UTC")
			}
			sums.add(db, detail)
		}
	}
	var out []checks.Finding
	if len(sums.names) > 0 {
		out = append(out, checks.Finding{Code: "A004/checksum-failures", Severity: checks.P2, Objects: sums.names,
			Conclusion: "Data checksum failures were counted: pages read from disk did not match their checksum, " +
				"which means storage, file system or memory corruption: " + sums.list() + ".",
			Recommendation: "Find the affected relations in the server log (`invalid page in block ...`, " +
				"`page verification failed`), check the storage and memory hardware, verify with the `amcheck` extension " +
				"(`pg_amcheck` on 14+), and restore damaged relations from a backup taken before the failure."})
	}
	if len(cache.names) > 0 {
		out = append(out, checks.Finding{Code: "A004/low-cache-hit", Severity: checks.P3, Objects: cache.names,
			Conclusion: fmt.Sprintf("The shared buffer cache hit ratio is below %g%%: %s. "+
				"Blocks missing from `shared_buffers` are read from the operating system (its page cache or disk).",
				cfg.CacheHitMinPct, cache.list()),
			Recommendation: "Find the statements that read the most blocks (`pg_stat_statements` ordered by `shared_blks_read`) " +
				"and check their plans for large sequential scans or missing indexes first; then consider a larger " +
				"`shared_buffers` (commonly about 25% of RAM; it needs a restart)."})
	}
	if len(commit.names) > 0 {
		out = append(out, checks.Finding{Code: "A004/low-commit-ratio", Severity: checks.P3, Objects: commit.names,
			Conclusion: fmt.Sprintf("Fewer than %g%% of transactions commit: %s. Each rollback is work thrown away, "+
				"and usually an error the application saw.", cfg.CommitMinPct, commit.list()),
			Recommendation: "Look for `ERROR` lines in the server log (a failed statement aborts its transaction) and at the " +
				"application's error handling; some drivers and frameworks also end read-only transactions with `ROLLBACK`, " +
				"which is harmless."})
	}
	if len(dead.names) > 0 {
		out = append(out, checks.Finding{Code: "A004/deadlocks", Severity: checks.P3, Objects: dead.names,
			Conclusion: "Deadlocks occurred: " + dead.list() + ". Postgres cancels one transaction of each deadlock " +
				"after `deadlock_timeout`, so the application got errors.",
			Recommendation: "Read the `deadlock detected` entries in the server log (they show the statements of both " +
				"sessions) and make those transactions take their locks in the same order; `log_lock_waits = on` also " +
				"logs long lock waits."})
	}
	if len(temp.names) > 0 {
		out = append(out, checks.Finding{Code: "A004/temp-files", Severity: checks.Info, Objects: temp.names,
			Conclusion: "Queries wrote large amounts of temporary files (sorts and hashes that did not fit in `work_mem`): " +
				temp.list() + ".",
			Recommendation: "Set `log_temp_files = '10MB'` (or `0` for all) to log the statements behind them, then raise " +
				"`work_mem` for those statements or roles (`ALTER ROLE name SET work_mem = ...`) rather than globally, " +
				"since every sort or hash node of every session may use it."})
	}
	return out
}

const doc = `Describes the cluster: whether the node is a primary or a standby (` + "`pg_is_in_recovery()`" + `),
when the postmaster started and its uptime, client connections against ` + "`max_connections`" + `
(pgcheckup's own included; a role without ` + "`pg_read_all_stats`" + ` cannot tell other roles'
connections from server processes, so those are shown as a separate count),
database sizes, the
activity counters of ` + "`pg_stat_database`" + ` (cache hits, commits and rollbacks, deadlocks,
temporary files, recovery conflicts, data checksum failures) and the checkpoint counts
(` + "`pg_stat_checkpointer`" + ` on 17 and later, ` + "`pg_stat_bgwriter`" + ` before).

The counters grow from the last statistics reset (shown per database), or from the last
crash, which loses them. Ratios are judged per database, and only when enough happened to
judge:

- **P2** ` + "`checksum-failures`" + `: pages failed their data checksum (counted only when checksums
  are on): corruption.
- **P3** ` + "`low-cache-hit`" + `: ` + "`blks_hit / (blks_hit + blks_read)`" + ` below ` + "`cache_hit_min_pct`" + `
  (default 95) with at least ` + "`cache_hit_min_blocks`" + ` (default 1,000,000) block accesses. A
  "read" may still come from the OS page cache; the ratio tells how well ` + "`shared_buffers`" + `
  holds the working set. 95% is the customary floor for OLTP; analytics that scan large
  tables are often lower by design.
- **P3** ` + "`low-commit-ratio`" + `: ` + "`xact_commit / (xact_commit + xact_rollback)`" + ` below
  ` + "`commit_min_pct`" + ` (default 90) with at least ` + "`commit_min_xacts`" + ` (default 10,000)
  transactions.
- **P3** ` + "`deadlocks`" + `: at least ` + "`deadlocks_min`" + ` (default 1) deadlock.
- **info** ` + "`temp-files`" + `: at least ` + "`temp_bytes_info`" + ` bytes (default 1 GiB) written to
  temporary files.

**Database sizes.** ` + "`pg_database_size()`" + ` reads the size of every file of a database: seconds
on a large cluster, whatever else the run does. So by default only the connected database
is sized, and only estimated: the sum of its relations' ` + "`relpages`" + ` times the block size
(shared catalogs left out), shown as "~… (estimate)". Page counts are as of each relation's
last VACUUM, ANALYZE or CREATE INDEX, and free space and visibility maps are not counted, so
the estimate is usually a little below the exact size and lags behind recent growth. Other
databases show "not measured": their catalogs cannot be read from this session. With
` + "`exact_database_sizes = true`" + ` in ` + "`[checks.A004]`" + ` every database is measured with
` + "`pg_database_size()`" + `, once each, where this role may connect or is a member of
` + "`pg_read_all_stats`" + ` (the others show "unknown").

Recovery conflicts (queries cancelled on a standby) and checkpoint counts are shown
without a finding. On a standby the checkpoint counts of 16 and older include
restartpoints; from 17 on restartpoints are counted apart and not shown here.`

// age writes seconds as the two largest units, like the report's dur function.
func age(sec float64) string {
	s := int64(sec)
	switch d, h, m := s/86400, s%86400/3600, s%3600/60; {
	case d > 0:
		return fmt.Sprintf("%dd %dh", d, h)
	case h > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm %ds", m, s%60)
	}
	return fmt.Sprintf("%ds", s)
}

// count writes an integer with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
