package f005

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	var hidden, missing []Index
	for _, x := range d.Indexes {
		name := qualified(x)
		switch {
		case x.Confidence == TooSmall, x.Measured != nil && x.Measured.TooSmall:
			// Listed in the data as too small to judge; a percentage of a few pages is noise.
		case x.Measured != nil:
			if sev, ok := severity(x.Measured.BloatPct, cfg); ok {
				out = append(out, checks.Finding{Code: "F005/index-bloat", Severity: sev, Objects: []checks.Name{object(x)},
					Conclusion: fmt.Sprintf("Index %s on %s is %.0f%% bloated: about %s of its %s would be freed by REINDEX at fillfactor %d (measured with pgstatindex, which read the whole index: leaf density %.0f%%, %d empty and %d deleted pages%s).",
						checks.Code(name), checks.Code(string(x.Table)), x.Measured.BloatPct, checks.Bytes(x.Measured.BloatBytes), checks.Bytes(x.Measured.IndexBytes),
						x.Fillfactor, x.Measured.AvgLeafDensity, x.Measured.EmptyPages, x.Measured.DeletedPages, estimateNote(x)),
					Recommendation: rebuild(x)})
			}
		case x.Confidence == High:
			if sev, ok := severity(*x.BloatPct, cfg); ok {
				out = append(out, checks.Finding{Code: "F005/index-bloat", Severity: sev, Objects: []checks.Name{object(x)},
					Conclusion: fmt.Sprintf("Index %s on %s is about %.0f%% bloated: about %s of its %s would be freed by REINDEX at fillfactor %d (estimate from statistics, high confidence).",
						checks.Code(name), checks.Code(string(x.Table)), *x.BloatPct, checks.Bytes(*x.BloatBytes), checks.Bytes(x.SizeBytes), x.Fillfactor),
					Recommendation: rebuild(x)})
			}
		case x.Confidence == Low:
			if _, ok := severity(*x.BloatPct, cfg); ok {
				out = append(out, checks.Finding{Code: "F005/low-confidence", Severity: checks.Info, Objects: []checks.Name{object(x)},
					Conclusion: fmt.Sprintf("Index %s may be about %.0f%% bloated (%s of %s), but the estimate has low confidence: %s.",
						checks.Code(name), *x.BloatPct, checks.Bytes(*x.BloatBytes), checks.Bytes(x.SizeBytes), joinLabels(x.Reasons)),
					Recommendation: fmt.Sprintf("Measure it with %s (extension pgstattuple; reads the whole index): bloat is about 1 - avg_leaf_density / fillfactor. Refresh the table's statistics with ANALYZE if they are stale.",
						checks.Code("SELECT * FROM pgstatindex("+checks.QuoteLiteral(name)+");"))})
			}
		case x.Cause == causeHidden:
			hidden = append(hidden, x)
		default:
			missing = append(missing, x)
		}
	}
	if len(hidden) > 0 {
		out = append(out, checks.Finding{Code: "F005/stats-not-visible", Severity: checks.Info, Objects: objects(hidden),
			Conclusion: fmt.Sprintf("The bloat of %d of the largest btree indexes is unknown: the role pgcheckup runs as cannot read the statistics of their columns (pg_stats shows a column only to roles that may SELECT it, an expression index's only to the table's owner): %s.",
				len(hidden), list(hidden)),
			Recommendation: checks.HelpersHint(helperProblem(d)) + " Or run pgcheckup as a role that may read these statistics: a superuser, the tables' owner, a role with SELECT on them, or on PostgreSQL 14+ a member of `pg_read_all_data` (expression indexes need the owner or a superuser). " +
				"Or run with `--precise-bloat` and the pgstattuple extension: a member of `pg_stat_scan_tables` (part of `pg_monitor`) may measure with pgstatindex, which reads the whole index."})
	}
	if len(missing) > 0 {
		seen := map[string]bool{}
		var stmts []string
		for _, x := range missing {
			s := checks.Code("ANALYZE " + checks.QuoteIdent(string(x.Schema)) + "." + checks.QuoteIdent(string(x.Table)) + ";")
			if !seen[s] {
				seen[s] = true
				stmts = append(stmts, s)
			}
		}
		out = append(out, checks.Finding{Code: "F005/stats-missing", Severity: checks.Info, Objects: objects(missing),
			Conclusion: fmt.Sprintf("The bloat of %d of the largest btree indexes is unknown: the statistics of their columns are missing (table never analyzed, or columns without statistics): %s.",
				len(missing), list(missing)),
			Recommendation: "Analyze their tables (" + strings.Join(stmts, ", ") + ") and check why autovacuum did not."})
	}
	// The indexes beyond top_n were not estimated: their severity is unknown, so they
	// count at the lowest one, info.
	if f := checks.Unlisted("F005/index-bloat", checks.Info, d.Total-len(d.Indexes), d.Total,
		"btree indexes of at least "+checks.Bytes(d.MinSizeBytes),
		fmt.Sprintf("the %d largest (by pages)", len(d.Indexes))); f != nil {
		f.Conclusion += " Those were not estimated: their bloat is unknown, and they count here as info."
		out = append(out, *f)
	}
	if p := d.Precise; p.Requested && p.Problem != "" {
		out = append(out, checks.Finding{Code: "F005/precise-unavailable", Severity: checks.Info,
			Conclusion:     "Precise mode was asked for, but no index was measured: " + checks.Esc(string(p.Problem)) + ". The report shows statistics-based estimates only.",
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

func estimateNote(x Index) string {
	if x.BloatPct == nil {
		return "; the statistics-based estimate is unknown"
	}
	return fmt.Sprintf("; the statistics-based estimate was %.0f%%, %s confidence", *x.BloatPct, x.Confidence)
}

func rebuild(x Index) string {
	return fmt.Sprintf("Rebuild it without blocking writes: %s (needs free disk space for the new index; if it fails, drop the invalid index it leaves behind, %s). "+
		"If it bloats again quickly, look for long-running transactions that hold back cleanup, and check autovacuum on the table.",
		checks.Code("REINDEX INDEX CONCURRENTLY "+qualified(x)+";"), checks.Code(string(x.Index)+"_ccnew"))
}

func object(x Index) checks.Name { return checks.Name(string(x.Schema) + "." + string(x.Index)) }

func objects(xs []Index) []checks.Name {
	out := make([]checks.Name, len(xs))
	for i, x := range xs {
		out[i] = object(x)
	}
	return out
}

func list(xs []Index) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = checks.Code(qualified(x))
	}
	return strings.Join(parts, ", ")
}

func qualified(x Index) string {
	return checks.QuoteIdent(string(x.Schema)) + "." + checks.QuoteIdent(string(x.Index))
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
