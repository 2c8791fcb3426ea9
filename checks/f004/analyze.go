package f004

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	var hidden, missing []Table
	for _, t := range d.Tables {
		name := qualified(t)
		switch {
		case t.Confidence == TooSmall, t.Measured != nil && t.Measured.TooSmall:
			// Listed in the data as too small to judge; a percentage of a few pages is noise.
		case t.Measured != nil:
			if sev, ok := severity(t.Measured.BloatPct, cfg); ok {
				out = append(out, checks.Finding{Code: "F004/table-bloat", Severity: sev, Objects: []checks.Name{object(t)},
					Conclusion: fmt.Sprintf("%s %s is %.0f%% bloated: about %s of its %s would be freed by a rewrite at fillfactor %d (measured with pgstattuple_approx, which read its pages%s).",
						capital(string(t.Kind)), checks.Code(name), t.Measured.BloatPct, checks.Bytes(t.Measured.BloatBytes), checks.Bytes(t.Measured.TableBytes), t.Fillfactor, estimateNote(t)),
					Recommendation: rebuild(t)})
			}
		case t.Confidence == High:
			if sev, ok := severity(*t.BloatPct, cfg); ok {
				out = append(out, checks.Finding{Code: "F004/table-bloat", Severity: sev, Objects: []checks.Name{object(t)},
					Conclusion: fmt.Sprintf("%s %s is about %.0f%% bloated: about %s of its %s would be freed by a rewrite at fillfactor %d (estimate from statistics, high confidence).",
						capital(string(t.Kind)), checks.Code(name), *t.BloatPct, checks.Bytes(*t.BloatBytes), checks.Bytes(t.SizeBytes), t.Fillfactor),
					Recommendation: rebuild(t)})
			}
		case t.Confidence == Low:
			if _, ok := severity(*t.BloatPct, cfg); ok {
				out = append(out, checks.Finding{Code: "F004/low-confidence", Severity: checks.Info, Objects: []checks.Name{object(t)},
					Conclusion: fmt.Sprintf("%s %s may be about %.0f%% bloated (%s of %s), but the estimate has low confidence: %s.",
						capital(string(t.Kind)), checks.Code(name), *t.BloatPct, checks.Bytes(*t.BloatBytes), checks.Bytes(t.SizeBytes), joinLabels(t.Reasons)),
					Recommendation: fmt.Sprintf("Refresh the statistics with %s and run pgcheckup again, or measure it with %s (extension pgstattuple; reads the table's pages).",
						checks.Code("ANALYZE "+name+";"), checks.Code("SELECT * FROM pgstattuple_approx("+checks.QuoteLiteral(name)+");"))})
			}
		case t.Cause == causeHidden:
			hidden = append(hidden, t)
		default:
			missing = append(missing, t)
		}
	}
	if len(hidden) > 0 {
		out = append(out, checks.Finding{Code: "F004/stats-not-visible", Severity: checks.Info, Objects: objects(hidden),
			Conclusion: fmt.Sprintf("The bloat of %d of the largest tables is unknown: the role pgcheckup runs as cannot read their column statistics (pg_stats shows a column only to roles that may SELECT it, and hides tables under row-level security): %s.",
				len(hidden), list(hidden)),
			Recommendation: checks.HelpersHint(helperProblem(d)) + " Or run pgcheckup as a role that may read these tables' statistics: a superuser, the owner, a role with SELECT on them, or on PostgreSQL 14+ a member of `pg_read_all_data`. " +
				"Or run with `--precise-bloat` and the pgstattuple extension: a member of `pg_stat_scan_tables` (part of `pg_monitor`) may measure without reading statistics, but this reads the tables' pages."})
	}
	if len(missing) > 0 {
		stmts := make([]string, 0, len(missing))
		for _, t := range missing {
			stmts = append(stmts, checks.Code("ANALYZE "+qualified(t)+";"))
		}
		out = append(out, checks.Finding{Code: "F004/stats-missing", Severity: checks.Info, Objects: objects(missing),
			Conclusion: fmt.Sprintf("The bloat of %d of the largest tables is unknown: their statistics are missing (never analyzed, or variable-width columns without statistics): %s.",
				len(missing), list(missing)),
			Recommendation: "Analyze them (" + strings.Join(stmts, ", ") + ") and check why autovacuum did not: `autovacuum` and `track_counts` on, per-table `autovacuum_enabled`."})
	}
	// The tables beyond top_n were not estimated: their severity is unknown, so they
	// count at the lowest one, info.
	if f := checks.Unlisted("F004/table-bloat", checks.Info, d.Total-len(d.Tables), d.Total,
		"tables and materialized views of at least "+checks.Bytes(d.MinSizeBytes),
		fmt.Sprintf("the %d largest (by pages)", len(d.Tables))); f != nil {
		f.Conclusion += " Those were not estimated: their bloat is unknown, and they count here as info."
		out = append(out, *f)
	}
	if p := d.Precise; p.Requested && p.Problem != "" {
		out = append(out, checks.Finding{Code: "F004/precise-unavailable", Severity: checks.Info,
			Conclusion:     "Precise mode was asked for, but no table was measured: " + checks.Esc(string(p.Problem)) + ". The report shows statistics-based estimates only.",
			Recommendation: checks.Esc(string(p.Hint))})
	}
	return out
}

func severity(pct float64, cfg Config) (checks.Severity, bool) {
	switch {
	case pct >= cfg.P1Percent:
		return checks.P1, true
	case pct >= cfg.P2Percent:
		return checks.P2, true
	}
	return checks.Info, false
}

func estimateNote(t Table) string {
	if t.BloatPct == nil {
		return "; the statistics-based estimate is unknown"
	}
	return fmt.Sprintf("; the statistics-based estimate was %.0f%%, %s confidence", *t.BloatPct, t.Confidence)
}

func rebuild(t Table) string {
	name := qualified(t)
	if t.Kind != "table" {
		return fmt.Sprintf("Rebuild it with %s (blocks reads of it meanwhile), or %s if it has a unique index.",
			checks.Code("REFRESH MATERIALIZED VIEW "+name+";"), checks.Code("REFRESH MATERIALIZED VIEW CONCURRENTLY "+name+";"))
	}
	return fmt.Sprintf("Rewrite it online with pg_repack or pg_squeeze, or in a maintenance window with %s "+
		"(holds an ACCESS EXCLUSIVE lock for the whole rewrite and needs free disk space for a full copy). "+
		"Then find out why the space was not reused: long-running or idle-in-transaction sessions, "+
		"a replication slot holding back the xmin horizon, or autovacuum settings too lax for this table.",
		checks.Code("VACUUM (FULL, ANALYZE) "+name+";"))
}

func capital(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

func object(t Table) checks.Name { return checks.Name(string(t.Schema) + "." + string(t.Table)) }

func objects(ts []Table) []checks.Name {
	out := make([]checks.Name, len(ts))
	for i, t := range ts {
		out[i] = object(t)
	}
	return out
}

func list(ts []Table) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = checks.Code(qualified(t))
	}
	return strings.Join(parts, ", ")
}

func qualified(t Table) string {
	return checks.QuoteIdent(string(t.Schema)) + "." + checks.QuoteIdent(string(t.Table))
}

func joinLabels(ls []checks.Label) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = string(l)
	}
	return strings.Join(parts, "; ")
}

// helperProblem is why helpers that were found were not used, or "".
func helperProblem(d Data) string {
	if h := d.Helpers; h != nil && !h.Used && h.Note != "pgcheckup helpers not installed" {
		return string(h.Note)
	}
	return ""
}
