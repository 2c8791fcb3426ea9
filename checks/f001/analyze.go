package f001

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

// shown is how many objects a conclusion names before "and N more".
const shown = 10

func analyze(d Data, cfg Config) []checks.Finding {
	s := pgsettings.NewIndex(d.Settings)
	var out []checks.Finding
	if r, ok := s["autovacuum"]; ok && !r.Bool() {
		out = append(out, checks.Finding{Code: "F001/autovacuum-off", Severity: checks.P1,
			Conclusion: "`autovacuum` is `off`: no table is vacuumed or analyzed automatically. Dead rows pile up " +
				"(bloat), planner statistics go stale, and the only autovacuum runs left are the emergency ones " +
				"against transaction ID wraparound, which then hit the largest tables at the worst time.",
			Recommendation: "`ALTER SYSTEM SET autovacuum = on; SELECT pg_catalog.pg_reload_conf();` " +
				"To keep autovacuum away from a particular table, use its storage options instead."})
	}
	if r, ok := s["track_counts"]; ok && !r.Bool() {
		out = append(out, checks.Finding{Code: "F001/track-counts-off", Severity: checks.P1,
			Conclusion: "`track_counts` is `off`: PostgreSQL does not count inserted, updated and deleted rows, so " +
				"autovacuum cannot tell which tables need a VACUUM or ANALYZE and does nothing but wraparound protection.",
			Recommendation: "`ALTER SYSTEM SET track_counts = on; SELECT pg_catalog.pg_reload_conf();`"})
	}
	if d.TablesDisabled > 0 {
		out = append(out, disabledFinding(d))
	}
	out = append(out, laterThanDefault(s, cfg)...)
	for _, name := range []string{"autovacuum_freeze_max_age", "autovacuum_multixact_freeze_max_age"} {
		if v, ok := s.Float(name); ok && v > cfg.MaxFreezeMaxAge {
			out = append(out, checks.Finding{Code: "F001/freeze-max-age-high", Severity: checks.P3,
				Conclusion: fmt.Sprintf("%s is %.0f (above %.0f): the anti-wraparound autovacuum starts late, leaving "+
					"only about %.0f million IDs before the 2^31 limit where the server stops accepting writes. "+
					"One slow or blocked anti-wraparound vacuum of a large table can use that up.",
					checks.Code(name), v, cfg.MaxFreezeMaxAge, (2147483648-v)/1e6),
				Recommendation: fmt.Sprintf("Lower it (`ALTER SYSTEM SET %s = ...;`, needs a restart), for example to %.0f, "+
					"and make sure autovacuum keeps up (F008).", name, cfg.MaxFreezeMaxAge),
				Objects: []checks.Name{checks.Name(name)}})
		}
	}
	if v, ok := s.Float("autovacuum_vacuum_insert_threshold"); ok && v < 0 {
		out = append(out, checks.Finding{Code: "F001/insert-vacuum-disabled", Severity: checks.P3,
			Conclusion: "`autovacuum_vacuum_insert_threshold` is -1: inserts never trigger an autovacuum. Tables that " +
				"only grow are vacuumed only against wraparound, so their visibility map is not set (index-only scans " +
				"read the heap) and their rows are frozen all at once, late.",
			Recommendation: "`ALTER SYSTEM RESET autovacuum_vacuum_insert_threshold; SELECT pg_catalog.pg_reload_conf();` " +
				"(default 1000); disable it per table with storage options if a table really needs that.",
			Objects: []checks.Name{"autovacuum_vacuum_insert_threshold"}})
	}
	return out
}

func disabledFinding(d Data) checks.Finding {
	var names, stmts []string
	var objects []checks.Name
	index := map[checks.Name]int{} // a table's place in names, when named
	for _, t := range d.Tables {
		if !t.Disabled {
			continue
		}
		opt := "autovacuum_enabled"
		if t.Toast {
			opt = "toast.autovacuum_enabled"
		}
		i, seen := index[t.Ident]
		if !seen {
			objects = append(objects, t.Ident)
			if len(names) >= shown {
				continue
			}
			i = len(names)
			index[t.Ident] = i
			names = append(names, "")
		}
		switch {
		case !seen && t.Toast:
			names[i] = checks.Code(string(t.Ident) + " (TOAST)")
		case !seen:
			names[i] = checks.Code(string(t.Ident))
		default: // the table and its TOAST table
			names[i] = checks.Code(string(t.Ident)) + " (and its TOAST table)"
		}
		stmts = append(stmts, checks.Code(fmt.Sprintf("ALTER TABLE %s RESET (%s);", t.Ident, opt)))
	}
	list := strings.Join(names, ", ")
	if more := d.TablesDisabled - len(names); more > 0 {
		list += fmt.Sprintf(" and %s more", checks.Thousands(int64(more)))
	}
	// The finding stands for every table, listed or not: a table and its TOAST table are one.
	return checks.Finding{Code: "F001/table-autovacuum-disabled", Severity: checks.P2, Count: d.TablesDisabled,
		Conclusion: fmt.Sprintf("Autovacuum is disabled (`autovacuum_enabled = false`) on %s table(s): %s. "+
			"They are neither vacuumed nor analyzed automatically: dead rows accumulate, statistics go stale, and "+
			"only the forced anti-wraparound vacuum still runs, which cannot be skipped and comes at a bad time.",
			checks.Thousands(int64(d.TablesDisabled)), list),
		Recommendation: "Re-enable it unless someone vacuums and analyzes these tables on a schedule: " +
			strings.Join(stmts, " ") + " To make autovacuum gentler on a table, tune its " +
			"`autovacuum_vacuum_cost_*` options rather than turning it off.",
		Objects: objects}
}

// laterThanDefault reports global triggers that make autovacuum run later than the
// defaults: vacuum and analyze scale factors and the naptime.
func laterThanDefault(s pgsettings.Index, cfg Config) []checks.Finding {
	var out []checks.Finding
	check := func(code, name string, limit float64, why string) {
		v, ok := s.Float(name)
		if !ok || v <= limit {
			return
		}
		out = append(out, checks.Finding{Code: code, Severity: checks.P3,
			Conclusion: fmt.Sprintf("%s is %s (above %s): %s", checks.Code(name),
				checks.Code(string(s[name].Value)+string(s[name].Unit)), checks.Code(fmt.Sprint(limit)), why),
			Recommendation: fmt.Sprintf("`ALTER SYSTEM SET %s = %v; SELECT pg_catalog.pg_reload_conf();` For large, busy "+
				"tables lower it further per table (`ALTER TABLE ... SET (%s = 0.01)`) rather than globally.",
				name, limit, name),
			Objects: []checks.Name{checks.Name(name)}})
	}
	check("F001/vacuum-scale-factor-high", "autovacuum_vacuum_scale_factor", cfg.MaxVacuumScaleFactor,
		"a table is vacuumed only after this fraction of its rows is dead, later than with the default, so large tables bloat more between vacuums.")
	check("F001/analyze-scale-factor-high", "autovacuum_analyze_scale_factor", cfg.MaxAnalyzeScaleFactor,
		"a table is analyzed only after this fraction of its rows changed, so the planner works longer with stale statistics.")
	if r, ok := s["autovacuum_naptime"]; ok {
		if v, ok := r.Seconds(); ok && v > cfg.MaxNaptimeSeconds {
			out = append(out, checks.Finding{Code: "F001/naptime-high", Severity: checks.P3,
				Conclusion: fmt.Sprintf("`autovacuum_naptime` is %s (above %.0f s): autovacuum looks at each database this "+
					"rarely, so tables that need a vacuum wait longer.", checks.Code(string(r.Value)+string(r.Unit)), cfg.MaxNaptimeSeconds),
				Recommendation: "`ALTER SYSTEM RESET autovacuum_naptime; SELECT pg_catalog.pg_reload_conf();` (default 1min).",
				Objects:        []checks.Name{"autovacuum_naptime"}})
		}
	}
	return out
}
