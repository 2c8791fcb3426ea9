package f003

import (
	"fmt"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

const estimates = " Counts are estimates from the statistics system."

func analyze(d Data, cfg Config) []checks.Finding {
	if !d.TrackCounts {
		return []checks.Finding{{Code: "F003/no-statistics", Severity: checks.P2,
			Conclusion: checks.Code("track_counts") + " is off: the server counts no dead tuples or modifications, so they are unknown here, " +
				"and autovacuum cannot tell which tables need vacuuming or analyzing.",
			Recommendation: checks.Code("ALTER SYSTEM SET track_counts = on; SELECT pg_catalog.pg_reload_conf();")}}
	}
	var out []checks.Finding
	var dead, never, stale []Table
	for _, t := range d.Tables {
		if isDead(t, cfg) {
			dead = append(dead, t)
		}
		if isNeverAnalyzed(t, cfg) {
			never = append(never, t)
		} else if isStale(t, cfg) {
			stale = append(stale, t)
		}
	}
	if len(dead) > 0 {
		out = append(out, deadFinding(d, dead))
	}
	if len(never) > 0 {
		var parts, stmts []string
		for _, t := range never {
			parts = append(parts, fmt.Sprintf("%s (about %s live rows)", checks.Code(qualified(t)), count(t.LiveTuples)))
			stmts = append(stmts, checks.Code("ANALYZE "+ident(t)+";"))
		}
		out = append(out, checks.Finding{Code: "F003/never-analyzed", Severity: checks.P3, Objects: names(never), Count: len(never),
			Conclusion: fmt.Sprintf("No ANALYZE of %s is recorded since the statistics were reset (%s): the planner estimates "+
				"its rows without statistics and may choose bad plans.", strings.Join(parts, ", "), since(d)) + estimates,
			Recommendation: "Analyze " + plural(len(never), "it", "them") + ": " + strings.Join(stmts, " ") +
				" If autovacuum is disabled for a table, autoanalyze is too; re-enable it with " +
				checks.Code("ALTER TABLE ... RESET (autovacuum_enabled);") + "."})
	}
	if len(stale) > 0 {
		var parts, stmts []string
		for _, t := range stale {
			parts = append(parts, fmt.Sprintf("%s (%s rows modified, about %s rows; last analyzed %s; autoanalyze starts at %s)",
				checks.Code(qualified(t)), count(t.ModSinceAnalyze), count(max(t.RelTuples, t.LiveTuples)), ago(t.AnalyzeAgeSec), count(checks.Estimate(t.AnalyzeTrigger))))
			stmts = append(stmts, checks.Code("ANALYZE "+ident(t)+";"))
		}
		out = append(out, checks.Finding{Code: "F003/stale-statistics", Severity: checks.P3, Objects: names(stale), Count: len(stale),
			Conclusion: fmt.Sprintf("Rows modified since the last analyze exceed %.0f%% of the table: %s. The planner works from outdated statistics.",
				cfg.ModPercent, strings.Join(parts, ", ")) + estimates,
			Recommendation: "Analyze now: " + strings.Join(stmts, " ") + " If it keeps happening, let autoanalyze run sooner for such tables, e.g. " +
				checks.Code("ALTER TABLE ... SET (autovacuum_analyze_scale_factor = 0.02);") + "."})
	}
	// The listing holds the top_n of each ranking; the totals count every table.
	listed := fmt.Sprintf("those among the top %d of each ranking", d.TopN)
	for _, u := range []*checks.Finding{
		checks.Unlisted("F003/dead-tuples", checks.P2, d.Totals.Dead-len(dead), d.Totals.Dead, "tables with many dead tuples", listed),
		checks.Unlisted("F003/never-analyzed", checks.P3, d.Totals.NeverAnalyzed-len(never), d.Totals.NeverAnalyzed, "tables never analyzed", listed),
		checks.Unlisted("F003/stale-statistics", checks.P3, d.Totals.Stale-len(stale), d.Totals.Stale, "tables with stale statistics", listed),
	} {
		if u != nil {
			out = append(out, *u)
		}
	}
	return append(out, pastTriggers(d)...)
}

// pastTriggers counts the tables autovacuum should be working on now. Passing a trigger
// is normal for up to a naptime; many tables past it mean autovacuum is behind or kept
// away, so these are informational.
func pastTriggers(d Data) []checks.Finding {
	var out []checks.Finding
	n := d.Totals
	disabled := func(k int) string {
		if k == 0 {
			return ""
		}
		return fmt.Sprintf(" (%s of them with autovacuum disabled)", checks.Thousands(int64(k)))
	}
	if n.PastVacuumTrigger > 0 {
		out = append(out, checks.Finding{Code: "F003/past-vacuum-trigger", Severity: checks.Info, Count: n.PastVacuumTrigger,
			Conclusion: fmt.Sprintf("In database %s, %s table(s)%s have more dead tuples than autovacuum's vacuum trigger "+
				"(threshold + scale factor × rows): autovacuum has not vacuumed them yet.",
				checks.Code(string(d.Database)), checks.Thousands(int64(n.PastVacuumTrigger)), disabled(n.PastVacuumTriggerDisabled)) + estimates,
			Recommendation: "A few tables past the trigger are normal between autovacuum rounds (" + checks.Code("autovacuum_naptime") +
				"). If many stay there, autovacuum is behind: see F008 for its workers and cost limits, and F001 for tables with autovacuum disabled."})
	}
	if n.PastAnalyzeTrigger > 0 {
		out = append(out, checks.Finding{Code: "F003/past-analyze-trigger", Severity: checks.Info, Count: n.PastAnalyzeTrigger,
			Conclusion: fmt.Sprintf("In database %s, %s table(s)%s have more rows modified since their last analyze than autovacuum's "+
				"analyze trigger: autoanalyze has not analyzed them yet.",
				checks.Code(string(d.Database)), checks.Thousands(int64(n.PastAnalyzeTrigger)), disabled(n.PastAnalyzeTriggerDisabled)) + estimates,
			Recommendation: "A few are normal between autovacuum rounds. If many stay there, autovacuum is behind (F008) or disabled for them (F001)."})
	}
	return out
}

func deadFinding(d Data, dead []Table) checks.Finding {
	var parts, stmts []string
	disabled := false
	for _, t := range dead {
		p := fmt.Sprintf("%s: about %s dead of %s tuples (%.0f%%)", checks.Code(qualified(t)), count(t.DeadTuples),
			count(t.LiveTuples+t.DeadTuples), t.DeadPercent)
		switch {
		case !t.AutovacuumEnabled:
			p += ", autovacuum disabled for it (" + checks.Code("autovacuum_enabled = false") + ")"
			disabled = true
			stmts = append(stmts, checks.Code("ALTER TABLE "+ident(t)+" RESET (autovacuum_enabled);"))
		case float64(t.DeadTuples) > t.VacuumTrigger:
			p += fmt.Sprintf(", above autovacuum's trigger of %s", count(checks.Estimate(t.VacuumTrigger)))
		}
		p += ", last vacuumed " + ago(t.VacuumAgeSec)
		parts = append(parts, p)
		stmts = append(stmts, checks.Code("VACUUM (VERBOSE, ANALYZE) "+ident(t)+";"))
	}
	concl := fmt.Sprintf("In database %s, %s. Dead tuples take space and are read by scans until vacuum removes them.",
		checks.Code(string(d.Database)), strings.Join(parts, "; "))
	if !d.Autovacuum {
		concl += " " + checks.Code("autovacuum") + " is off for the whole server."
	}
	rec := "Vacuum now: " + strings.Join(stmts, " ")
	if disabled {
		rec += " Autovacuum must not stay disabled on a table that changes: without it, dead tuples accumulate and wraparound protection relies on forced vacuums."
	}
	if !d.Autovacuum {
		rec += " Turn autovacuum back on: " + checks.Code("ALTER SYSTEM SET autovacuum = on; SELECT pg_catalog.pg_reload_conf();")
	}
	rec += " If VACUUM VERBOSE reports dead row versions that \"cannot be removed yet\", an old snapshot holds them back: C007 names it."
	return checks.Finding{Code: "F003/dead-tuples", Severity: checks.P2, Objects: names(dead), Count: len(dead), Conclusion: concl + estimates, Recommendation: rec}
}

func qualified(t Table) string { return string(t.Schema) + "." + string(t.Name) }

func ident(t Table) string { return checks.QuoteQualified(string(t.Schema), string(t.Name)) }

func names(ts []Table) []checks.Name {
	out := make([]checks.Name, len(ts))
	for i, t := range ts {
		out[i] = checks.Name(qualified(t))
	}
	return out
}

func count(e checks.Estimate) string { return fmt.Sprintf("%.0f", float64(e)) }

func ago(sec *float64) string {
	if sec == nil {
		return "never since the statistics reset"
	}
	return checks.Duration(*sec) + " ago"
}

func since(d Data) string {
	if d.StatsReset == nil {
		return "reset time unknown"
	}
	return d.StatsReset.UTC().Format(time.DateTime) + " UTC"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
