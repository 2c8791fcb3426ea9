package g004

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

// disabledMethods are the enable_* switches that are on by default but off here.
func disabledMethods(list []pgsettings.Converted) []checks.Name {
	var out []checks.Name
	for _, s := range list {
		if strings.HasPrefix(string(s.Name), "enable_") && s.BootVal == "on" && !s.Bool() {
			out = append(out, s.Name)
		}
	}
	return out
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	s := pgsettings.NewIndex(d.Settings)
	if off := disabledMethods(d.Settings); len(off) > 0 {
		var list, resets []string
		for _, n := range off {
			r := s[string(n)]
			list = append(list, fmt.Sprintf("%s (%s)", checks.Code(string(n)), r.Level()))
			resets = append(resets, r.ResetSQL())
		}
		out = append(out, checks.Finding{Code: "G004/planner-method-disabled", Severity: checks.P2,
			Conclusion: "Plan methods switched off: " + strings.Join(list, ", ") + ". The planner then avoids them at " +
				"any cost, even where they are the only good plan; this is usually a leftover from debugging a query.",
			Recommendation: "Turn them back on where they were switched off: " + strings.Join(resets, "; ") + ". Where one " +
				"query needs it, use `SET LOCAL` inside that query's transaction.",
			Objects: off})
	}
	rpc, okR := s.Float("random_page_cost")
	spc, okS := s.Float("seq_page_cost")
	switch {
	case okR && okS && rpc < spc:
		out = append(out, checks.Finding{Code: "G004/random-below-seq", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`random_page_cost` (%g) is below `seq_page_cost` (%g): the planner believes random "+
				"reads are cheaper than sequential ones, which no storage does, and favours index scans on large ranges.", rpc, spc),
			Recommendation: "Set `random_page_cost` at least equal to `seq_page_cost`; 1.1 with `seq_page_cost` 1 for SSDs.",
			Objects:        []checks.Name{"random_page_cost", "seq_page_cost"}})
	case okR && rpc >= cfg.SSDRandomPageCost:
		out = append(out, checks.Finding{Code: "G004/random-page-cost-hdd", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`random_page_cost` is %g, a value for spinning disks, where a random read costs many "+
				"sequential ones. On SSD, NVMe or most cloud volumes it overprices index scans, and the planner "+
				"picks sequential scans and hash joins where an index would be faster.", rpc),
			Recommendation: "If the data is on SSD-class storage: " + s["random_page_cost"].Fix("1.1") +
				" (per tablespace: `ALTER TABLESPACE ... SET (random_page_cost = 1.1)`). Keep 4 on spinning disks.",
			Objects: []checks.Name{"random_page_cost"}})
	}
	if v, ok := s.Float("default_statistics_target"); ok && (v < cfg.MinStatisticsTarget || v > cfg.MaxStatisticsTarget) {
		why := "ANALYZE samples fewer rows and keeps shorter most-common-value lists and histograms, so estimates for skewed columns get worse"
		if v > cfg.MaxStatisticsTarget {
			why = "ANALYZE samples 300 × this many rows per table and the planner reads longer statistics for every query; " +
				"raise it per column where estimates are off instead"
		}
		out = append(out, checks.Finding{Code: "G004/statistics-target", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`default_statistics_target` is %g (outside %g to %g): %s.", v, cfg.MinStatisticsTarget,
				cfg.MaxStatisticsTarget, why),
			Recommendation: "Back to the default (100): the value is " + s["default_statistics_target"].Level() + ": " +
				s["default_statistics_target"].ResetSQL() + "; and `ALTER TABLE ... ALTER COLUMN ... SET STATISTICS 1000;` for the columns that need more.",
			Objects: []checks.Name{"default_statistics_target"}})
	}
	if d.ColumnsZero > 0 {
		out = append(out, zeroColumns(d))
	}
	if v, ok := s.Float("jit_above_cost"); ok && v >= 0 && v < cfg.MinJITAboveCost {
		out = append(out, checks.Finding{Code: "G004/jit-cheap-queries", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`jit_above_cost` is %g (below %g): with `jit` on (the default; pgcheckup's own session turns "+
				"it off, so the server's value is not shown here) queries of modest estimated cost are compiled, which "+
				"takes tens to hundreds of milliseconds each time and often costs more than it saves.", v, cfg.MinJITAboveCost),
			Recommendation: "Back to the default (100000): the value is " + s["jit_above_cost"].Level() + ": " +
				s["jit_above_cost"].ResetSQL() + "; or `jit = off` for OLTP workloads.",
			Objects: []checks.Name{"jit_above_cost"}})
	}
	return out
}

func zeroColumns(d Data) checks.Finding {
	var list []string
	var objs []checks.Name
	for _, c := range d.Columns {
		if c.Target != 0 {
			continue
		}
		objs = append(objs, checks.Name(string(c.Ident)+"."+string(c.Column)))
		if len(list) < 10 {
			list = append(list, checks.Code(string(c.Ident)+"."+string(c.Column)))
		}
	}
	if more := d.ColumnsZero - len(list); more > 0 {
		list = append(list, fmt.Sprintf("and %d more", more))
	}
	return checks.Finding{Code: "G004/column-statistics-off", Severity: checks.Info,
		Conclusion: fmt.Sprintf("ANALYZE collects no statistics for %d column(s): %s (statistics target 0). Conditions "+
			"on them are estimated with fixed guesses.", d.ColumnsZero, strings.Join(list, ", ")),
		Recommendation: "If a column appears in WHERE, JOIN or GROUP BY clauses, restore its statistics: " +
			checks.Code("ALTER TABLE ... ALTER COLUMN ... SET STATISTICS -1;") + " then ANALYZE the table.",
		// Count: the finding stands for every such column, listed or not, so the
		// summary counts them all.
		Objects: objs, Count: d.ColumnsZero}
}

const doc = `Reads the planner settings from ` + "`pg_settings`" + `: page and CPU costs,
` + "`effective_io_concurrency`" + ` and ` + "`effective_cache_size`" + ` (judged in G005 and G001), the
statistics target, JIT thresholds, collapse limits and every ` + "`enable_*`" + ` switch of the running
major; and, in the current database, the columns with their own statistics target
(` + "`ALTER TABLE ... SET STATISTICS`" + `; target 0 first, then largest table first, at most
` + "`max_columns`" + `, 50). Before 17 ` + "`pg_attribute.attstattarget`" + ` is -1 for "use the default"; from 17
it is NULL; the query treats both alike.

- **P2** ` + "`G004/planner-method-disabled`" + `: an ` + "`enable_*`" + ` switch that is on by default is off.
  It forbids a plan shape for every query, usually a leftover from debugging one.
- **P3** ` + "`G004/random-page-cost-hdd`" + `: ` + "`random_page_cost`" + ` at or above ` + "`ssd_random_page_cost`" + `
  (4, the default, meant for spinning disks). On SSD-class storage 1.1 is typical. pgcheckup
  cannot see the storage: ignore this on spinning disks. Values set per tablespace
  (` + "`ALTER TABLESPACE ... SET (random_page_cost = ...)`" + `) are not read and win for their tablespace.
- **P3** ` + "`G004/random-below-seq`" + `: ` + "`random_page_cost`" + ` below ` + "`seq_page_cost`" + `.
- **P3** ` + "`G004/statistics-target`" + `: ` + "`default_statistics_target`" + ` outside ` + "`min_statistics_target`" + `
  (100, the default) to ` + "`max_statistics_target`" + ` (1000).
- **P3** ` + "`G004/jit-cheap-queries`" + `: ` + "`jit_above_cost`" + ` below ` + "`min_jit_above_cost`" + ` (100000, the default).
- **info** ` + "`G004/column-statistics-off`" + `: columns with statistics target 0; one finding that
  counts all of them, listed or not.

The statistics targets live only in ` + "`pg_attribute`" + `, which has no index on them: the check
reads it in one pass (its cost grows with the number of columns, like the catalog's), picks
out the few columns with their own target and looks up only their tables.

Values are those of pgcheckup's session: its own ` + "`jit = off`" + ` hides the server's ` + "`jit`" + `,
and a per-role or per-database value for its role shows with that source.`
