package a013

import (
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	stale := ""
	if d.TableAgeDays > cfg.TableMaxAgeDays {
		stale = fmt.Sprintf(" pgcheckup's release table is %d days old (as of %s): newer releases may exist.", d.TableAgeDays, d.TableAsOf)
	}
	if !d.Known {
		out = append(out, checks.Finding{Code: "A013/unknown-major", Severity: checks.Info,
			Conclusion: fmt.Sprintf("PostgreSQL %d is not in pgcheckup's release table (as of %s), so its minor release cannot be judged.", d.Major, d.TableAsOf),
			Recommendation: "See A002 for the major's support status; compare the running minor with the project's release list by hand " +
				"(`SELECT version();`)."})
		return out
	}
	if d.ReleasesBehind == 0 {
		if stale != "" {
			out = append(out, checks.Finding{Code: "A013/release-table-old", Severity: checks.Info,
				Conclusion:     fmt.Sprintf("PostgreSQL %s is the newest minor that pgcheckup knows for this major.", d.Version) + stale,
				Recommendation: "Update pgcheckup, or compare with the project's release list by hand."})
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
	out = append(out, checks.Finding{Code: code, Severity: sev,
		Conclusion: fmt.Sprintf("PostgreSQL %s is %d minor release(s) behind %s (released %s). The first missed release, %s, "+
			"came out %s, %d days ago: its bug and security fixes have been available that long (%s).",
			d.Version, d.ReleasesBehind, latest, d.LatestReleased, first.Version, first.Released, d.DaysBehind, why) + stale,
		Recommendation: fmt.Sprintf("Install %s and restart (replicas first, then the primary, or with a switchover). Minor releases "+
			"keep the on-disk format; read the release notes of every release from %s to %s for extra steps such as reindexing "+
			"some index types.", latest, first.Version, latest)})
	return out
}

const doc = `Compares the running minor release (` + "`server_version_num`" + ` from ` + "`pg_settings`" + `) with the
newest minor of the same major in pgcheckup's embedded release table (the one A002 uses),
and lists every missed release with its date.

How to read it: *releases behind* counts the minor releases published after the running
one; *days behind* counts the days since the first of them came out, that is, how long its
fixes (security ones included) have been available and not applied. Minor releases come
out about every three months and contain only fixes; they need a restart, not a dump or
pg_upgrade.

- **P2** (` + "`A013/minor-outdated`" + `) at least ` + "`p2_releases`" + ` (default 2) releases behind, or the first missed
  release is ` + "`p2_days`" + ` (default 90) days old or more: at least one whole release cycle was skipped.
- **P3** (` + "`A013/minor-update-available`" + `) behind by fewer releases, for less time: the latest update is
  simply not applied yet, the normal lag of a patching cycle.
- **info** the major is not in the table, or the server is current but the table is older
  than ` + "`table_max_age_days`" + ` (default 120), so a newer release may exist that pgcheckup does not know.

A002 reports the same gap in one line together with end of life; this check gives the detail.
A major past end of life gets no new minors, so its newest minor is also its last.`
