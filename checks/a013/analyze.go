package a013

import (
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	stale, refresh := "", ""
	if d.TableStale {
		stale = releases.StaleNote(d.TableAgeDays, d.TableNewestAgeDays, string(d.TableAsOf))
		refresh = releases.Refresh
	}
	if !d.Known {
		out = append(out, checks.Finding{Code: "A013/unknown-major", Severity: checks.Info,
			Conclusion: fmt.Sprintf("PostgreSQL %d is not in pgcheckup's release table (as of %s), so its minor release cannot be judged.", d.Major, d.TableAsOf),
			Recommendation: "See A002 for the major's support status; compare the running minor with the project's release list by hand " +
				"(`SELECT version();`)." + releases.Refresh})
		return out
	}
	if d.ReleasesBehind == 0 {
		if d.NewerThanTable {
			// The server itself proves the table out of date, whatever its age.
			out = append(out, checks.Finding{Code: "A013/release-table-old", Severity: checks.Info,
				Conclusion: fmt.Sprintf("PostgreSQL %s is newer than %d.%d, the newest minor in pgcheckup's release table (as of %s): the table is out of date.",
					d.Version, d.Major, d.LatestMinor, d.TableAsOf),
				Recommendation: "Compare with the project's release list by hand (`SELECT version();`)." + releases.Refresh})
			return out
		}
		if stale != "" {
			out = append(out, checks.Finding{Code: "A013/release-table-old", Severity: checks.Info,
				Conclusion:     fmt.Sprintf("PostgreSQL %s is the newest minor that pgcheckup knows for this major.", d.Version) + stale,
				Recommendation: "Compare with the project's release list by hand (`SELECT version();`)." + refresh})
		}
		return out
	}
	latest := fmt.Sprintf("%d.%d", d.Major, d.LatestMinor)
	first := d.Missed[0]
	code, sev := "A013/minor-update-available", checks.P3
	why := fmt.Sprintf("fewer than %d releases and less than %d days behind", cfg.P2Releases, cfg.P2Days)
	if d.ReleasesBehind >= cfg.P2Releases || d.DaysBehind >= cfg.P2Days {
		code, sev = "A013/minor-outdated", checks.P2
		why = fmt.Sprintf("at least %d releases or %d days behind", cfg.P2Releases, cfg.P2Days)
	}
	since := fmt.Sprintf("The first missed release, %s, came out %s, %d days ago: its bug and security fixes have been available that long", first.Version, first.Released, d.DaysBehind)
	if d.DaysAtLeast {
		since = fmt.Sprintf("The release table does not date the first missed release; %s, the oldest missed one it lists, came out %s, %d days ago: "+
			"the fixes have been available at least that long", first.Version, first.Released, d.DaysBehind)
	}
	out = append(out, checks.Finding{Code: code, Severity: sev,
		Conclusion: fmt.Sprintf("PostgreSQL %s is %d minor release(s) behind %s (released %s; release table as of %s). %s (%s).",
			d.Version, d.ReleasesBehind, latest, d.LatestReleased, d.TableAsOf, since, why) + stale,
		Recommendation: fmt.Sprintf("Install %s and restart (replicas first, then the primary, or with a switchover). Minor releases "+
			"keep the on-disk format; read the release notes of every release from %d.%d to %s for extra steps such as reindexing "+
			"some index types.", latest, d.Major, d.Minor+1, latest) + refresh})
	return out
}

const doc = `Compares the running minor release (` + "`server_version_num`" + ` from ` + "`pg_settings`" + `) with the
newest minor of the same major in pgcheckup's release table (the one A002 uses: the embedded
table, or the file given with ` + "`--releases`" + ` or the ` + "`releases`" + ` config key), and lists every
missed release the table dates. Every finding gives the table's date.

How to read it: *releases behind* counts the minor releases published after the running
one; *days behind* counts the days since the first of them came out, that is, how long its
fixes (security ones included) have been available and not applied. Minor releases come
out about every three months and contain only fixes; they need a restart, not a dump or
pg_upgrade.

- **P2** (` + "`A013/minor-outdated`" + `) at least ` + "`p2_releases`" + ` (default 2) releases behind, or the first missed
  release is ` + "`p2_days`" + ` (default 90) days old or more: at least one whole release cycle was skipped.
- **P3** (` + "`A013/minor-update-available`" + `) behind by fewer releases, for less time: the latest update is
  simply not applied yet, the normal lag of a patching cycle.
- **info** the major is not in the table; or (` + "`A013/release-table-old`" + `) the server runs a minor
  newer than the table knows, or is current but the table is stale, so a newer release may
  exist that pgcheckup does not know.

The table is stale when it, or its newest release, is older than ` + "`table_max_age_days`" + `
(default 120) on the server's clock (` + "`now()`" + `; the run's clock if that is later, so that neither
clock set back hides an old table). Minor releases come out every three months, so a table
whose newest release is older than that has most likely missed one, whatever day it was
edited. The P2/P3 findings then say the verdict **may be stale** and how to refresh the
table. *Days behind* uses the run's clock.

A table may list only the newest minor of a major (one made from postgresql.org's version
list does): *releases behind* still counts every missed release, since minor numbers are
consecutive, and *days behind* then counts from the oldest missed release the table dates,
marked as a lower bound.

A002 reports the same gap in one line together with end of life; this check gives the detail.
A major past end of life gets no new minors, so its newest minor is also its last.`
