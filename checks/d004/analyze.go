package d004

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	add := func(code string, sev checks.Severity, conclusion, rec string) {
		out = append(out, checks.Finding{Code: "D004/" + code, Severity: sev, Conclusion: conclusion, Recommendation: rec})
	}
	db := checks.Code(string(d.Database))
	pgss, _ := ext(d, "pg_stat_statements")
	switch {
	case !pgss.Loaded:
		var steps []string
		if !pgss.Available {
			steps = append(steps, "install the server's contrib package (e.g. `postgresql-contrib` or `postgresql<major>-contrib`)")
		}
		steps = append(steps, "add it to `shared_preload_libraries` and restart: "+preloadSQL(d, "pg_stat_statements"))
		if !pgss.Installed {
			steps = append(steps, fmt.Sprintf("run `CREATE EXTENSION pg_stat_statements;` in database %s", db))
		}
		what := "is not loaded (not in `shared_preload_libraries`)"
		if pgss.Installed {
			what += fmt.Sprintf(", although the extension is installed in database %s: querying its view fails", db)
		}
		if r, ok := get(d, "shared_preload_libraries"); ok && r.PendingRestart {
			what += "; a change to `shared_preload_libraries` waits for a restart"
		}
		add("pgss-not-loaded", checks.P2, "`pg_stat_statements` "+what+". Without it there are no per-query statistics: "+
			"the query analysis of this report (and any answer to \"which queries load the server\") is unavailable.",
			"To enable it: "+strings.Join(steps, "; then ")+".")
	case !pgss.Installed:
		add("pgss-not-installed", checks.P3, fmt.Sprintf("`pg_stat_statements` is loaded and collecting, but the extension is not "+
			"installed in database %s, so its view cannot be read from here.", db),
			fmt.Sprintf("Run `CREATE EXTENSION pg_stat_statements;` in database %s (one database is enough: the statistics cover the whole server).", db))
	}
	if pgss.Installed && pgss.Available && pgss.InstalledVersion != pgss.AvailableVersion {
		add("pgss-extension-outdated", checks.Info, fmt.Sprintf("The installed `pg_stat_statements` extension is version %s; the server "+
			"ships %s, whose view has more columns (e.g. `pg_stat_statements_info` from 1.9).",
			checks.Code(string(pgss.InstalledVersion)), checks.Code(string(pgss.AvailableVersion))),
			fmt.Sprintf("Run `ALTER EXTENSION pg_stat_statements UPDATE;` in database %s.", db))
	}
	if pgss.Loaded {
		out = append(out, collecting(d, cfg)...)
	}
	if r, ok := get(d, "track_io_timing"); ok && !r.Bool() {
		add("track-io-timing-off", checks.P3, "`track_io_timing` is off: the read and write times of `pg_stat_statements`, "+
			"`pg_stat_database` and `pg_stat_io` stay zero, so it cannot be told whether a slow query waits on disk.",
			"Check the clock's overhead with `pg_test_timing` (well under 100 ns per call is fine, as on most modern hardware), then "+
				"turn it on where it was turned off. "+r.Fix("on")+".")
	}
	out = append(out, kcache(d)...)
	return out
}

func collecting(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	add := func(code string, sev checks.Severity, conclusion, rec string) {
		out = append(out, checks.Finding{Code: "D004/" + code, Severity: sev, Conclusion: conclusion, Recommendation: rec})
	}
	if r, ok := get(d, "pg_stat_statements.track"); ok && r.Value == "none" {
		add("track-none", checks.P2, "`pg_stat_statements.track` is `none`: the library is loaded but records no statement.",
			"Record top-level statements. "+r.Fix("'top'")+".")
	}
	if r, ok := get(d, "compute_query_id"); ok && r.Value == "off" {
		add("compute-query-id-off", checks.P2, "`compute_query_id` is `off`: no query identifier is computed, so `pg_stat_statements` records nothing.",
			"Back to the default, `auto`. "+r.Fix("'auto'")+".")
	}
	if r, ok := get(d, "pg_stat_statements.track_planning"); ok && r.Bool() {
		add("track-planning-on", checks.Info, "`pg_stat_statements.track_planning` is on: planning times are recorded, at the cost "+
			"of extra contention when many sessions run the same statement at once.",
			"Keep it if planning time matters for your workload; turn it off if the server runs many identical short statements concurrently.")
	}
	if d.Dealloc == nil || *d.Dealloc == 0 {
		return out
	}
	days := max(d.DeallocDays, 1.0/24)
	rate := float64(*d.Dealloc) / days
	sev := checks.P3
	if rate >= cfg.DeallocPerDayP2 {
		sev = checks.P2
	}
	maxRow, _ := get(d, "pg_stat_statements.max")
	suggest := "10000"
	if v, ok := maxRow.Float(); ok {
		suggest = fmt.Sprintf("%.0f", max(2*v, 10000))
	}
	add("deallocations", sev, fmt.Sprintf("`pg_stat_statements` ran out of its %s entries and evicted the least-used ones %d time(s) "+
		"since its statistics were reset (%.1f days ago, %.1f per day). Evicted statements lose their history, so the statistics "+
		"undercount, and the constant churn costs time under an exclusive lock.", checks.Esc(string(maxRow.Value)), *d.Dealloc, d.DeallocDays, rate),
		fmt.Sprintf("Raise `pg_stat_statements.max` (needs a restart; each entry takes a few hundred bytes of shared memory): "+
			"`ALTER SYSTEM SET pg_stat_statements.max = %s;`. If most entries are utility statements or statements that differ only "+
			"in the length of an `IN (...)` list or in temporary table names, `pg_stat_statements.track_utility = off` and fixing "+
			"those statements help more.", suggest))
	return out
}

func kcache(d Data) []checks.Finding {
	k, _ := ext(d, "pg_stat_kcache")
	switch {
	case k.Installed && !k.Loaded:
		return []checks.Finding{{Code: "D004/kcache-not-loaded", Severity: checks.P3,
			Conclusion: fmt.Sprintf("The `pg_stat_kcache` extension is installed in database %s but its library is not loaded: "+
				"its views fail when queried.", checks.Code(string(d.Database))),
			Recommendation: "Add it to `shared_preload_libraries` after `pg_stat_statements` and restart: " + preloadSQL(d, "pg_stat_kcache") +
				" Or drop the extension if it is not wanted."}}
	case !k.Loaded:
		return []checks.Finding{{Code: "D004/kcache-absent", Severity: checks.Info,
			Conclusion: "`pg_stat_kcache` is not in use. It is optional: it adds, per statement, the CPU time (user and system) " +
				"and the reads and writes that reached the disk rather than the OS cache.",
			Recommendation: "If per-query CPU and physical I/O are wanted, install it (a separate package, e.g. `postgresql-<major>-pg-stat-kcache`), " +
				"add it to `shared_preload_libraries` after `pg_stat_statements`, restart and run `CREATE EXTENSION pg_stat_kcache;`."}}
	}
	return nil
}

// preloadSQL is the ALTER SYSTEM statement that adds lib to the current list.
func preloadSQL(d Data, lib string) string {
	r, ok := get(d, "shared_preload_libraries")
	if !ok {
		return fmt.Sprintf("add `%s` to `shared_preload_libraries`, keeping the libraries already listed there (this role cannot read the current list)", lib)
	}
	list := strings.TrimSpace(string(r.Value))
	if list != "" {
		list += ", "
	}
	return checks.Code(fmt.Sprintf("ALTER SYSTEM SET shared_preload_libraries = '%s%s';", strings.ReplaceAll(list, "'", "''"), lib))
}
