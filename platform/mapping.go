package platform

import (
	"fmt"
	"math"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/a002"
	"github.com/pgcheckup/pgcheckup/checks/a003"
	"github.com/pgcheckup/pgcheckup/checks/a004"
	"github.com/pgcheckup/pgcheckup/checks/a007"
	"github.com/pgcheckup/pgcheckup/checks/a013"
	"github.com/pgcheckup/pgcheckup/checks/d001"
	"github.com/pgcheckup/pgcheckup/checks/d004"
	"github.com/pgcheckup/pgcheckup/checks/f001"
	"github.com/pgcheckup/pgcheckup/checks/f004"
	"github.com/pgcheckup/pgcheckup/checks/f005"
	"github.com/pgcheckup/pgcheckup/checks/g001"
	"github.com/pgcheckup/pgcheckup/checks/g003"
	"github.com/pgcheckup/pgcheckup/checks/h001"
	"github.com/pgcheckup/pgcheckup/checks/h002"
	"github.com/pgcheckup/pgcheckup/checks/h004"
	"github.com/pgcheckup/pgcheckup/checks/k003"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/report"
)

// mappers: how each check with a platform schema is built from pgcheckup's data.
// MAPPING.md documents every field.
var mappers = map[string]mapper{
	"A002": {build: mapA002},
	"A013": {build: mapA013},
	"A003": {build: mapA003, version: true},
	"A004": {build: mapA004, version: true},
	"A007": {build: mapA007, version: true},
	"D001": {build: mapD001, version: true},
	"D004": {build: mapD004, version: true},
	"F001": {build: mapF001, version: true},
	"F004": {build: mapF004, version: true},
	"F005": {build: mapF005, version: true},
	"G001": {build: mapG001, version: true},
	"G003": {build: mapG003, version: true},
	"H001": {build: mapH001, version: true},
	"H002": {build: mapH002, version: true},
	"H004": {build: mapH004, version: true},
	"K003": {build: mapK003Window, version: true},
}

// ---- lookups in other checks of the same report --------------------------------------

// lookup decodes check id's data on node (and database, for a database-scoped check);
// nil when the report does not have it.
func lookup[T any](x *exporter, id, node, db string) *T {
	key := id + "\x00" + node + "\x00" + db
	if v, ok := x.cache[key]; ok {
		t, _ := v.(*T)
		return t
	}
	var out *T
	if c := x.check(id); c != nil {
		for _, res := range x.results(c) {
			if res.node == node && res.db == db {
				if d, err := decode[T](res); err == nil {
					out = d
				}
				break
			}
		}
	}
	x.cache[key] = out
	return out
}

// category is a setting's category from A003 on the same node; "" when A003 is absent.
func (x *exporter) category(node, name string) string {
	key := "cat\x00" + node
	m, ok := x.cache[key].(map[string]string)
	if !ok {
		m = map[string]string{}
		if d := lookup[a003.Data](x, "A003", node, ""); d != nil {
			for _, s := range d.Settings {
				m[string(s.Name)] = string(s.Category)
			}
		}
		x.cache[key] = m
	}
	return m[name]
}

// dbSize is a database's size on node as A004 found it; nil when not measured.
func (x *exporter) dbSize(node, db string) *int64 {
	if d := lookup[a004.Data](x, "A004", node, ""); d != nil {
		for _, s := range d.Databases {
			if string(s.Name) == db {
				return s.SizeBytes
			}
		}
	}
	return nil
}

// tableSize is a table's size from F004 on the same node and database; nil when F004
// did not list it.
func (x *exporter) tableSize(node, db, schema, table string) *int64 {
	if d := lookup[f004.Data](x, "F004", node, db); d != nil {
		for _, t := range d.Tables {
			if string(t.Schema) == schema && string(t.Table) == table {
				v := t.SizeBytes
				return &v
			}
		}
	}
	return nil
}

// ---- settings -------------------------------------------------------------------------

// settingEntry is the platform's setting object.
func (x *exporter) settingEntry(node string, s checks.Setting, unit, vartype, context string, bytes *int64) map[string]any {
	return map[string]any{
		"setting":      string(s.Value),
		"unit":         unit,
		"category":     x.category(node, string(s.Name)),
		"context":      context,
		"vartype":      vartype,
		"pretty_value": pretty(s, unit, bytes),
	}
}

// pretty shows a setting's value with its unit: memory in binary units, others as the
// value and unit pg_settings gives.
func pretty(s checks.Setting, unit string, bytes *int64) string {
	if s.Hidden {
		return string(s.Value)
	}
	if bytes != nil && *bytes >= 0 {
		return prettyBytes(*bytes)
	}
	if unit == "" {
		return string(s.Value)
	}
	return string(s.Value) + " " + unit
}

func (x *exporter) rows(node string, rows []pgsettings.Row) map[string]any {
	out := map[string]any{}
	for _, r := range rows {
		var b *int64
		if v, ok := r.Bytes(); ok {
			b = &v
		}
		out[string(r.Name)] = x.settingEntry(node, r.Setting, string(r.Unit), string(r.VarType), string(r.Context), b)
	}
	return out
}

func (x *exporter) converted(node string, rows []pgsettings.Converted) map[string]any {
	out := map[string]any{}
	for _, r := range rows {
		out[string(r.Name)] = x.settingEntry(node, r.Setting, string(r.Unit), string(r.VarType), string(r.Context), r.Bytes)
	}
	return out
}

// ---- A ---------------------------------------------------------------------------------

func mapA002(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *a002.Data) (any, bool) {
		v := string(d.Version)
		if v == "" {
			v = fmt.Sprintf("%d.%d", d.Major, d.Minor)
		}
		return map[string]any{"version": pgVersion(v, d.VersionNum)}, d.VersionNum > 0
	})
}

func mapA013(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *a013.Data) (any, bool) {
		n := x.nodeI[node]
		if d.Major <= 0 {
			return nil, false
		}
		num := d.Major*10000 + d.Minor
		v := string(d.Version)
		if n != nil && n.VersionNum == num && n.Version != "" {
			v = n.Version
		}
		return map[string]any{"version": pgVersion(v, num)}, true
	})
}

func mapA003(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *a003.Data) (any, bool) {
		out := map[string]any{}
		for _, s := range d.Settings {
			out[string(s.Name)] = map[string]any{
				"setting":      string(s.Value),
				"unit":         string(s.Unit),
				"category":     string(s.Category),
				"context":      string(s.Context),
				"vartype":      string(s.VarType),
				"pretty_value": pretty(s.Setting, string(s.Unit), s.Bytes),
			}
		}
		return out, true
	})
}

func metric(value any, unit, description string) map[string]any {
	return map[string]any{"value": fmt.Sprint(value), "unit": unit, "description": description}
}

func mapA004(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *a004.Data) (any, bool) {
		g := map[string]any{
			"role":                           metric(d.Role, "", "Role of the node (primary or standby)"),
			"postmaster_start_time":          metric(d.StartedAt.UTC().Format(time.RFC3339), "", "Time the server started"),
			"uptime":                         metric(int64(d.UptimeSeconds), "s", "Time since the server started"),
			"max_connections":                metric(d.MaxConnections, "connections", "max_connections"),
			"superuser_reserved_connections": metric(d.SuperuserReserved, "connections", "superuser_reserved_connections"),
			"total_connections":              metric(d.Connections, "connections", "Client backends at the time of the check"),
			"checkpoints_timed":              metric(d.Checkpoints.Timed, "count", "Checkpoints started by checkpoint_timeout since the statistics reset"),
			"checkpoints_requested":          metric(d.Checkpoints.Requested, "count", "Checkpoints requested (max_wal_size, CHECKPOINT, ...) since the statistics reset"),
			"commits":                        metric(d.Total.Commits, "count", "Transactions committed, all databases"),
			"rollbacks":                      metric(d.Total.Rollbacks, "count", "Transactions rolled back, all databases"),
			"deadlocks":                      metric(d.Total.Deadlocks, "count", "Number of deadlocks"),
			"conflicts":                      metric(d.Total.Conflicts, "count", "Queries cancelled by recovery conflicts"),
			"temp_files":                     metric(d.Total.TempFiles, "files", "Number of temporary files"),
			"temp_bytes":                     metric(d.Total.TempBytes, "bytes", "Size of temporary files in bytes"),
		}
		if d.Total.CacheHitPct != nil {
			g["cache_hit_ratio"] = metric(fmt.Sprintf("%.2f", *d.Total.CacheHitPct), "%", "Cache hit ratio percentage")
		}
		if d.SizeUnknown == 0 {
			g["database_size"] = metric(d.TotalSizeBytes, "bytes", "Total database size in bytes")
		}
		sizes := map[string]any{}
		for _, db := range d.Databases {
			if db.SizeBytes != nil {
				sizes[string(db.Name)] = *db.SizeBytes
			}
		}
		if n := len(d.Databases) - len(sizes); n > 0 {
			x.note("A004", "%s: %d database(s) without a measured size are not in database_sizes (exact_database_sizes measures them all)", node, n)
		}
		return map[string]any{"general_info": g, "database_sizes": sizes}, true
	})
}

func mapA007(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *a007.Data) (any, bool) {
		out := map[string]any{}
		for _, s := range d.Settings {
			out[string(s.Name)] = map[string]any{
				"value":        string(s.Value),
				"unit":         string(s.Unit),
				"category":     string(s.Category),
				"pretty_value": pretty(s.Setting, string(s.Unit), s.Bytes),
			}
		}
		return out, true
	})
}

// ---- D ---------------------------------------------------------------------------------

func mapD001(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *d001.Data) (any, bool) {
		return x.rows(node, d.Settings), true
	})
}

func mapD004(x *exporter, c *report.Check) (map[string]any, error) {
	return onePerNode(x, c, func(node, db string, d *d004.Data) (any, bool) {
		var pgss, kcache *d004.Extension
		for i := range d.Extensions {
			switch d.Extensions[i].Name {
			case "pg_stat_statements":
				pgss = &d.Extensions[i]
			case "pg_stat_kcache":
				kcache = &d.Extensions[i]
			}
		}
		pgssStatus := map[string]any{"extension_available": false, "metrics_count": 0, "total_calls": 0, "sample_queries": []any{}}
		if pgss != nil && pgss.Installed && pgss.Loaded {
			k := lookup[k003.Data](x, "K003", node, "")
			if k == nil {
				x.note("D004", "%s: pg_stat_statements is installed but K003 has no data: no D004 result", node)
				return nil, false
			}
			samples, calls := []any{}, int64(0)
			for _, s := range k.Top {
				if len(samples) == 5 {
					break
				}
				if s.QueryID == nil {
					continue
				}
				samples = append(samples, map[string]any{
					"queryid": fmt.Sprint(*s.QueryID), "user": string(s.User), "database": string(s.Database), "calls": s.Calls,
				})
				calls += s.Calls
			}
			pgssStatus = map[string]any{"extension_available": true, "metrics_count": k.Statements, "total_calls": calls, "sample_queries": samples}
		}
		if kcache != nil && kcache.Installed {
			x.note("D004", "%s: pg_stat_kcache is installed but pgcheckup does not read its counters: no D004 result", node)
			return nil, false
		}
		kcacheStatus := map[string]any{"extension_available": false, "metrics_count": 0, "total_exec_time": 0,
			"total_user_time": 0, "total_system_time": 0, "sample_queries": []any{}}
		return map[string]any{
			"settings":                  x.rows(node, d.Settings),
			"pg_stat_statements_status": pgssStatus,
			"pg_stat_kcache_status":     kcacheStatus,
		}, true
	})
}

// ---- F ---------------------------------------------------------------------------------

func mapF001(x *exporter, c *report.Check) (map[string]any, error) {
	return onePerNode(x, c, func(node, db string, d *f001.Data) (any, bool) {
		return x.converted(node, d.Settings), true
	})
}

// dbEntry adds the database size fields every database-scoped entry carries.
func (x *exporter) dbEntry(id, node, db string, m map[string]any) map[string]any {
	b, p := size(x.dbSize(node, db))
	if p == notAvailable {
		x.note(id, "%s/%s: database size not measured (A004): database_size_bytes 0, N/A", node, db)
	}
	m["database_size_bytes"], m["database_size_pretty"] = b, p
	return m
}

func mapF004(x *exporter, c *report.Check) (map[string]any, error) {
	return perDatabase(x, c, func(node, db string, d *f004.Data) (any, bool) {
		list, total, unknown := []any{}, int64(0), 0
		for _, t := range d.Tables {
			var bloat int64
			var bpct float64
			switch {
			case t.Measured != nil && !t.Measured.TooSmall:
				bloat, bpct = t.Measured.BloatBytes, t.Measured.BloatPct
			case t.BloatBytes != nil && t.BloatPct != nil:
				bloat, bpct = *t.BloatBytes, *t.BloatPct
			default:
				unknown++
				continue
			}
			total += bloat
			list = append(list, map[string]any{
				"schema_name": string(t.Schema), "table_name": string(t.Table),
				"real_size": t.SizeBytes, "real_size_pretty": prettyBytes(t.SizeBytes),
				"extra_size": bloat, "extra_size_pretty": prettyBytes(bloat), "extra_pct": bpct,
				"bloat_size": bloat, "bloat_size_pretty": prettyBytes(bloat), "bloat_pct": bpct,
				"fillfactor":  t.Fillfactor,
				"last_vacuum": nil, "last_vacuum_epoch": 0,
			})
		}
		if unknown > 0 {
			x.note("F004", "%s/%s: %d table(s) without a bloat estimate left out", node, db, unknown)
		}
		return x.dbEntry("F004", node, db, map[string]any{
			"bloated_tables": list, "total_count": len(list),
			"total_bloat_size_bytes": total, "total_bloat_size_pretty": prettyBytes(total),
		}), true
	})
}

func mapF005(x *exporter, c *report.Check) (map[string]any, error) {
	return perDatabase(x, c, func(node, db string, d *f005.Data) (any, bool) {
		list, total, unknown := []any{}, int64(0), 0
		for _, ix := range d.Indexes {
			var bloat int64
			var bpct float64
			switch {
			case ix.Measured != nil && !ix.Measured.TooSmall:
				bloat, bpct = ix.Measured.BloatBytes, ix.Measured.BloatPct
			case ix.BloatBytes != nil && ix.BloatPct != nil:
				bloat, bpct = *ix.BloatBytes, *ix.BloatPct
			default:
				unknown++
				continue
			}
			total += bloat
			tb, tp := size(x.tableSize(node, db, string(ix.Schema), string(ix.Table)))
			list = append(list, map[string]any{
				"schema_name": string(ix.Schema), "table_name": string(ix.Table), "index_name": string(ix.Index),
				"real_size": ix.SizeBytes, "real_size_pretty": prettyBytes(ix.SizeBytes),
				"table_size": tb, "table_size_pretty": tp,
				"extra_size": bloat, "extra_size_pretty": prettyBytes(bloat), "extra_pct": bpct,
				"bloat_size": bloat, "bloat_size_pretty": prettyBytes(bloat), "bloat_pct": bpct,
				"fillfactor":  ix.Fillfactor,
				"last_vacuum": nil, "last_vacuum_epoch": 0,
			})
		}
		if unknown > 0 {
			x.note("F005", "%s/%s: %d index(es) without a bloat estimate left out", node, db, unknown)
		}
		return x.dbEntry("F005", node, db, map[string]any{
			"bloated_indexes": list, "total_count": len(list),
			"total_bloat_size_bytes": total, "total_bloat_size_pretty": prettyBytes(total),
		}), true
	})
}

// ---- G ---------------------------------------------------------------------------------

func mapG001(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *g001.Data) (any, bool) {
		var wal, mwm *int64
		for _, s := range d.Settings {
			switch s.Name {
			case "wal_buffers":
				wal = s.Bytes
			case "maintenance_work_mem":
				mwm = s.Bytes
			}
		}
		if wal == nil { // G001 does not read it; A003 does
			if a := lookup[a003.Data](x, "A003", node, ""); a != nil {
				for _, s := range a.Settings {
					if s.Name == "wal_buffers" {
						wal = s.Bytes
					}
				}
			}
		}
		est := map[string]any{}
		if d.SharedBuffersBytes > 0 && wal != nil && *wal >= 0 && mwm != nil && d.PerBackendBytes > 0 {
			b := func(key string, v int64) { est[key+"_bytes"], est[key+"_pretty"] = v, prettyBytes(v) }
			b("shared_buffers", d.SharedBuffersBytes)
			b("wal_buffers", *wal)
			b("shared_memory_total", d.SharedBytes)
			b("work_mem_per_connection", d.PerBackendBytes)
			b("max_work_mem_usage", d.ConnectionsBytes)
			b("maintenance_work_mem", *mwm)
			b("effective_cache_size", d.EffectiveCacheBytes)
		} else {
			x.note("G001", "%s: memory settings not all readable: estimated_total_memory_usage left empty", node)
		}
		return map[string]any{
			"settings": x.converted(node, d.Settings),
			"analysis": map[string]any{"estimated_total_memory_usage": est},
		}, true
	})
}

func mapG003(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *g003.Data) (any, bool) {
		out := map[string]any{"settings": x.converted(node, d.Settings)}
		if a := lookup[a004.Data](x, "A004", node, ""); a != nil {
			out["deadlock_stats"] = map[string]any{"deadlocks": d.DeadlocksTotal, "conflicts": a.Total.Conflicts, "stats_reset": nil}
		} else {
			out["deadlock_stats"] = nil
			out["deadlock_stats_error"] = "conflicts are counted by A004, which is not in the report"
		}
		return out, true
	})
}

// ---- H ---------------------------------------------------------------------------------

func mapH001(x *exporter, c *report.Check) (map[string]any, error) {
	return perDatabase(x, c, func(node, db string, d *h001.Data) (any, bool) {
		list, total := []any{}, int64(0)
		for _, ix := range d.Indexes {
			total += ix.SizeBytes
			var dup any
			if ix.ValidDuplicate != "" {
				dup = string(ix.ValidDuplicate)
			}
			list = append(list, map[string]any{
				"schema_name": string(ix.Schema), "table_name": string(ix.Table), "index_name": string(ix.Name),
				"relation_name":    string(ix.Schema) + "." + string(ix.Table),
				"index_size_bytes": ix.SizeBytes, "index_size_pretty": prettyBytes(ix.SizeBytes),
				"index_definition": string(ix.Definition),
				"supports_fk":      false, "is_pk": false, "is_unique": ix.Unique, "constraint_name": nil,
				"table_row_estimate":  0,
				"has_valid_duplicate": ix.ValidDuplicate != "", "valid_duplicate_name": dup, "valid_duplicate_definition": nil,
			})
		}
		if d.Total > len(d.Indexes) {
			x.note("H001", "%s/%s: %d invalid index(es) beyond the listing: total_count counts them, sizes only the listed", node, db, d.Total-len(d.Indexes))
		}
		return x.dbEntry("H001", node, db, map[string]any{
			"invalid_indexes": list, "total_count": d.Total,
			"total_size_bytes": total, "total_size_pretty": prettyBytes(total),
		}), true
	})
}

func mapH002(x *exporter, c *report.Check) (map[string]any, error) {
	return perDatabase(x, c, func(node, db string, d *h002.Data) (any, bool) {
		list, total, unsized := []any{}, int64(0), 0
		for _, ix := range d.Indexes {
			if ix.SizeBytes == nil {
				unsized++
			}
			b, p := size(ix.SizeBytes)
			total += b
			reason := "idx_scan = 0"
			if len(ix.SupportsFKs) > 0 {
				reason += "; supports a foreign key"
			}
			list = append(list, map[string]any{
				"schema_name": string(ix.Schema), "table_name": string(ix.Table), "index_name": string(ix.Name),
				"index_definition": string(ix.Definition), "reason": reason, "idx_scan": ix.IdxScan,
				"index_size_bytes": b, "index_size_pretty": p,
				"idx_is_btree": accessMethod(string(ix.Definition)) == "btree",
				"supports_fk":  len(ix.SupportsFKs) > 0,
			})
		}
		if unsized > 0 {
			x.note("H002", "%s/%s: %d index(es) not measured (locked): index_size_bytes 0, N/A", node, db, unsized)
		}
		var days any
		if d.StatsReset != nil {
			days = int64(math.Floor(x.r.StartedAt.Sub(*d.StatsReset).Hours() / 24))
		}
		pm := d.PostmasterStart
		stats := map[string]any{
			"stats_reset_epoch": epoch(d.StatsReset), "stats_reset_time": timestamp(d.StatsReset),
			"days_since_reset":         days,
			"postmaster_startup_epoch": epoch(&pm), "postmaster_startup_time": timestamp(&pm),
		}
		if pm.IsZero() {
			stats["postmaster_startup_epoch"], stats["postmaster_startup_time"] = nil, nil
		}
		return x.dbEntry("H002", node, db, map[string]any{
			"unused_indexes": list, "total_count": d.Total,
			"total_size_bytes": total, "total_size_pretty": prettyBytes(total),
			"stats_reset": stats,
		}), true
	})
}

func mapH004(x *exporter, c *report.Check) (map[string]any, error) {
	return perDatabase(x, c, func(node, db string, d *h004.Data) (any, bool) {
		list, total := []any{}, int64(0)
		for _, ix := range d.Indexes {
			b, p := size(ix.DropBytes)
			total += b
			tb, tp := size(x.tableSize(node, db, string(ix.Schema), string(ix.Table)))
			kb, kp := size(ix.KeepBytes)
			var usage int64
			if ix.DropScans != nil {
				usage = *ix.DropScans
			}
			reason := string(ix.Rule) + ": covered by " + string(ix.Keep)
			if ix.Duplicate {
				reason = "duplicate of " + string(ix.Keep)
			}
			list = append(list, map[string]any{
				"schema_name": string(ix.Schema), "table_name": string(ix.Table), "index_name": string(ix.Drop),
				"relation_name": string(ix.Schema) + "." + string(ix.Table),
				"access_method": accessMethod(string(ix.DropDef)), "reason": reason,
				"index_size_bytes": b, "index_size_pretty": p, "table_size_bytes": tb, "table_size_pretty": tp,
				"index_usage": usage, "supports_fk": false, "index_definition": string(ix.DropDef),
				"redundant_to": []any{map[string]any{
					"index_name": string(ix.Keep), "index_definition": string(ix.KeepDef),
					"index_size_bytes": kb, "index_size_pretty": kp,
				}},
			})
		}
		return x.dbEntry("H004", node, db, map[string]any{
			"redundant_indexes": list, "total_count": d.Total,
			"total_size_bytes": total, "total_size_pretty": prettyBytes(total),
		}), true
	})
}
