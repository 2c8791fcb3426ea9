package platform

import (
	"fmt"
	"slices"
	"time"

	"github.com/pgcheckup/pgcheckup/checks/k001"
	"github.com/pgcheckup/pgcheckup/checks/k003"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/checks/m001/mseries"
	"github.com/pgcheckup/pgcheckup/checks/n001"
	"github.com/pgcheckup/pgcheckup/report"
)

// The other workload checks (K001, K004-K008, M001-M003, N001). Like K003, their numbers
// cover one window (kseries.Window), so the platform's hourly series get one bucket: the
// window's start as the timestamp, the window's total as the value. The platform keys
// them by database; pgcheckup's statement groups are put under the database of their
// main part (as K003's are). No query text is sent (K003 sends none either).

func init() {
	mappers["K001"] = mapper{build: mapK001, version: true}
	mappers["K004"] = mapper{build: kMapper("K004", "temp_bytes"), version: true}
	mappers["K005"] = mapper{build: kMapper("K005", "wal_bytes"), version: true}
	mappers["K006"] = mapper{build: kMapper("K006", "shared_read_bytes"), version: true}
	mappers["K007"] = mapper{build: kMapper("K007", "shared_hit_bytes"), version: true}
	mappers["K008"] = mapper{build: kMapper("K008", "shared_hit_read_bytes"), version: true}
	mappers["M001"] = mapper{build: mapM001, version: true}
	mappers["M002"] = mapper{build: mapM002, version: true}
	mappers["M003"] = mapper{build: mapM003, version: true}
	mappers["N001"] = mapper{build: mapN001, version: true}
}

// timeline is the platform's hourly_timestamps for a window: its start, in Unix seconds
// (one bucket); empty when the window has no start.
func timeline(w kseries.Window) []int64 {
	if w.Start == nil {
		return []int64{}
	}
	return []int64{w.Start.Unix()}
}

// bucket is one value as an hourly series matching timeline(w).
func bucket(w kseries.Window, v float64) []float64 {
	if w.Start == nil {
		return []float64{}
	}
	return []float64{v}
}

// hours is the window's length in whole hours (the schema's integer; 0 under an hour).
func hours(w kseries.Window) int64 { return int64(w.Seconds / 3600) }

// groupRow is what the per-database listings need of a statement group.
type groupRow struct {
	queryID  int64
	hidden   bool
	dbs      int // databases the group spans (named + more)
	database string
}

// byDatabase splits rows by the database of their main part and notes what is left
// out: hidden statements (no queryid), rows that name no database, and groups over
// several databases (put under the first, the main part's).
func byDatabase[R any](x *exporter, id, node string, rows []R, g func(R) groupRow) (map[string][]R, []string) {
	out := map[string][]R{}
	hidden, nodb, multi := 0, 0, 0
	for _, r := range rows {
		gr := g(r)
		switch {
		case gr.hidden || gr.queryID == 0:
			hidden++
			continue
		case gr.database == "":
			nodb++
			continue
		case gr.dbs > 1:
			multi++
		}
		out[gr.database] = append(out[gr.database], r)
	}
	if hidden > 0 {
		x.note(id, "%s: %d statement group(s) without a visible queryid left out", node, hidden)
	}
	if nodb > 0 {
		x.note(id, "%s: %d statement group(s) naming no database left out", node, nodb)
	}
	if multi > 0 {
		x.note(id, "%s: %d statement group(s) span several databases: each is under its main part's database", node, multi)
	}
	return out, sortedKeys(out)
}

func kRow(r kseries.Row) groupRow {
	g := groupRow{queryID: r.QueryID, hidden: r.Hidden, dbs: len(r.Databases) + r.MoreDatabases}
	if len(r.Databases) > 0 {
		g.database = string(r.Databases[0])
	}
	return g
}

func mRow(r mseries.Row) groupRow {
	g := groupRow{queryID: r.QueryID, hidden: r.Hidden, dbs: len(r.Databases) + r.MoreDatabases}
	if len(r.Databases) > 0 {
		g.database = string(r.Databases[0])
	}
	return g
}

// othersNote says that the sum of the groups not listed, which spans databases, is not
// sent per database: the schema's *_other totals are 0 and the hourly series empty.
func othersNote(x *exporter, id, node string, groups int) {
	if groups > 0 {
		x.note(id, "%s: the %d statement group(s) not listed are summed over all databases, not per database: other totals 0, other series empty", node, groups)
	}
}

// ---- K004-K008 -------------------------------------------------------------------------

// kMapper maps a kseries listing; metric names the schema's fields (total_<metric>,
// hourly_<metric>, other_<metric>_hourly). The values are bytes (blocks × the block size
// the listing assumed).
func kMapper(id, metric string) func(x *exporter, c *report.Check) (map[string]any, error) {
	return func(x *exporter, c *report.Check) (map[string]any, error) {
		return perNode(x, c, func(node string, d *kseries.Listing) (any, bool) {
			w := d.Window
			groups, dbs := byDatabase(x, id, node, d.Rows, kRow)
			if d.Others != nil {
				othersNote(x, id, node, d.Others.GroupsInOthers)
			}
			if d.BlockSizeAssumed {
				x.note(id, "%s: bytes are blocks × %d (the block size is assumed, not read)", node, d.BlockSize)
			}
			out := map[string]any{}
			for _, db := range dbs {
				list, total := []any{}, 0.0
				for _, r := range groups[db] {
					total += r.Bytes
					list = append(list, map[string]any{
						"queryid": fmt.Sprint(r.QueryID), "total_" + metric: r.Bytes, "hourly_" + metric: bucket(w, r.Bytes),
					})
				}
				out[db] = map[string]any{
					"top_queries":                 list,
					"other_" + metric + "_hourly": []float64{},
					"summary": map[string]any{
						"queries_returned": len(list), "total_" + metric: total,
						"total_" + metric + "_tracked_queries": total, "total_" + metric + "_other": 0,
						"time_range_hours": hours(w), "hourly_timestamps": timeline(w), "limit": d.TopN,
					},
				}
			}
			return out, true
		})
	}
}

// ---- M001-M003 -------------------------------------------------------------------------

// mData is what M001-M003 share in their data.
type mData struct {
	Window kseries.Window `json:"window"`
	TopN   int            `json:"top_n"`
	Rows   []mseries.Row  `json:"rows"`
	Others *mseries.Row   `json:"others"`
	// NotMeasured is M003's: no I/O time was measured, no row listed.
	NotMeasured bool `json:"not_measured"`
}

// mMap builds the per-database entries of an M check; entry makes one query entry,
// extra adds the entry's other_* series and summary fields from its rows.
func mMap(x *exporter, id, node string, d *mData, entry func(r mseries.Row) map[string]any,
	extra func(rows []mseries.Row, e, summary map[string]any)) map[string]any {
	w := d.Window
	groups, dbs := byDatabase(x, id, node, d.Rows, mRow)
	if d.Others != nil {
		othersNote(x, id, node, d.Others.Parts)
	}
	out := map[string]any{}
	for _, db := range dbs {
		list := []any{}
		for _, r := range groups[db] {
			list = append(list, entry(r))
		}
		summary := map[string]any{"queries_returned": len(list), "time_range_hours": hours(w),
			"hourly_timestamps": timeline(w), "limit": d.TopN}
		e := map[string]any{"top_queries": list, "summary": summary}
		extra(groups[db], e, summary)
		out[db] = e
	}
	return out
}

func mapM001(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *mData) (any, bool) {
		w := d.Window
		return mMap(x, "M001", node, d, func(r mseries.Row) map[string]any {
			return map[string]any{"queryid": fmt.Sprint(r.QueryID), "mean_time_ms": r.MeanMS, "total_time_ms": r.TimeMS,
				"total_calls": r.Calls, "hourly_time_ms": bucket(w, r.TimeMS), "hourly_calls": bucket(w, float64(r.Calls))}
		}, func(rows []mseries.Row, e, s map[string]any) {
			ms, calls := 0.0, int64(0)
			for _, r := range rows {
				ms += r.TimeMS
				calls += r.Calls
			}
			e["other_time_hourly"], e["other_calls_hourly"] = []float64{}, []float64{}
			s["total_time_tracked_queries_ms"], s["total_calls_tracked_queries"] = ms, calls
		}), true
	})
}

func mapM002(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *mData) (any, bool) {
		w := d.Window
		return mMap(x, "M002", node, d, func(r mseries.Row) map[string]any {
			return map[string]any{"queryid": fmt.Sprint(r.QueryID), "total_rows": r.Rows, "hourly_rows": bucket(w, float64(r.Rows))}
		}, func(rows []mseries.Row, e, s map[string]any) {
			total := int64(0)
			for _, r := range rows {
				total += r.Rows
			}
			e["other_rows_hourly"] = []float64{}
			s["total_rows"], s["total_rows_tracked_queries"], s["total_rows_other"] = total, total, 0
		}), true
	})
}

func mapM003(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *mData) (any, bool) {
		w := d.Window
		if d.NotMeasured {
			x.note("M003", "%s: no I/O time was measured (track_io_timing): no database entry", node)
		}
		return mMap(x, "M003", node, d, func(r mseries.Row) map[string]any {
			return map[string]any{"queryid": fmt.Sprint(r.QueryID),
				"total_io_time_ms": r.IOTimeMS, "total_read_time_ms": r.BlkReadMS, "total_write_time_ms": r.BlkWriteMS,
				"hourly_io_time_ms": bucket(w, r.IOTimeMS), "hourly_read_time_ms": bucket(w, r.BlkReadMS),
				"hourly_write_time_ms": bucket(w, r.BlkWriteMS)}
		}, func(rows []mseries.Row, e, s map[string]any) {
			total := 0.0
			for _, r := range rows {
				total += r.IOTimeMS
			}
			e["other_io_time_hourly"], e["other_read_time_hourly"], e["other_write_time_hourly"] = []float64{}, []float64{}, []float64{}
			s["total_io_time_tracked_queries_ms"], s["total_io_time_other_ms"] = total, 0
		}), true
	})
}

// ---- K001 ------------------------------------------------------------------------------

// mapK001: K001 sums the node's window over every statement, which the platform's K001
// (per database, per statement) has no place for; its per-statement metrics are K003's
// list of the same window, in the same shape, and the summary sums that list.
func mapK001(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *k001.Data) (any, bool) {
		out := map[string]any{}
		k := x.check("K003")
		if k == nil || lookup[k003.Data](x, "K003", node, "") == nil {
			x.note("K001", "%s: no K003 list on this node: no per-statement metrics (data empty)", node)
			return out, true
		}
		notes := x.notes
		perDB, err := mapK003Window(x, &report.Check{ID: k.ID, Scope: k.Scope, Results: nodeResults(k, node)})
		x.notes = notes // K003's own notes are K003's
		if err != nil {
			return nil, false
		}
		kd := lookup[k003.Data](x, "K003", node, "")
		if int(kd.Statements) > len(kd.Top) {
			x.note("K001", "%s: query_metrics and summary cover the %d statement group(s) K003 lists of %d; K001's node totals (%.0f calls, %.1f ms) have no per-database place",
				node, len(kd.Top), kd.Statements, d.Totals.Calls.Total, d.Totals.TimeMS.Total)
		}
		dbs, _ := perDB[node].(map[string]any)
		for db, v := range dbs {
			e := v.(map[string]any)
			s := e["summary"].(map[string]any)
			out[db] = map[string]any{
				"query_metrics": e["top_queries"],
				"summary": map[string]any{
					"total_queries": s["queries_returned"], "total_calls": s["total_calls"], "total_time_ms": s["total_time_ms"],
					"total_rows": s["total_rows"], "time_range_minutes": s["time_range_minutes"],
					"start_time": s["start_time"], "end_time": s["end_time"],
				},
			}
		}
		return out, true
	})
}

// nodeResults are c's results of one node.
func nodeResults(c *report.Check, node string) []report.Result {
	var out []report.Result
	for _, r := range c.Results {
		if r.Node == node {
			out = append(out, r)
		}
	}
	return out
}

// ---- N001 ------------------------------------------------------------------------------

// allDatabases is N001's database key: pg_stat_activity is sampled for the whole node,
// and pgcheckup does not keep a sample's database.
const allDatabases = "*"

func mapN001(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *n001.Data) (any, bool) {
		w := d.Window
		ts := timeline(w)
		one := func(v int) []int {
			if len(ts) == 0 {
				return []int{}
			}
			return []int{v}
		}
		type qacc struct {
			occ    int
			events map[string]any
		}
		types := map[string]any{}
		var order []string
		byType := map[string][]*qacc{}
		qidx := map[string]map[int64]*qacc{}
		total := map[string]int{}
		qids := map[string][]int64{}
		for _, e := range d.Events {
			t := string(e.Type)
			if _, ok := qidx[t]; !ok {
				qidx[t] = map[int64]*qacc{}
				order = append(order, t)
			}
			total[t] += e.Count
			for _, s := range e.Statements {
				a := qidx[t][s.QueryID]
				if a == nil {
					a = &qacc{events: map[string]any{}}
					qidx[t][s.QueryID] = a
					byType[t] = append(byType[t], a)
					qids[t] = append(qids[t], s.QueryID)
				}
				a.occ += s.Count
				a.events[string(e.Event)] = map[string]any{"occurrences": s.Count}
			}
		}
		for _, t := range order {
			list := []any{}
			for i, a := range byType[t] {
				list = append(list, map[string]any{"query_id": fmt.Sprint(qids[t][i]), "occurrences": a.occ,
					"hourly_occurrences": one(a.occ), "wait_events": a.events})
			}
			slices.SortStableFunc(list, func(a, b any) int {
				return b.(map[string]any)["occurrences"].(int) - a.(map[string]any)["occurrences"].(int)
			})
			types[t] = map[string]any{"total_occurrences": total[t], "unique_queries": len(list), "queries_list": list}
		}
		if d.MoreEvents > 0 {
			x.note("N001", "%s: %d wait event(s) beyond the listing (%d session-samples) are in total_occurrences only", node, d.MoreEvents, d.MoreEventsCount)
		}
		x.note("N001", "%s: samples of the whole node under %q (a sample's database is not kept); queries_list holds the statements listed per event (queryid 0 and the rest counted in total_occurrences only)", node, allDatabases)
		start, end := "", ""
		if w.Start != nil {
			start = w.Start.UTC().Format(time.RFC3339)
		}
		if w.End != nil {
			end = w.End.UTC().Format(time.RFC3339)
		}
		return map[string]any{allDatabases: map[string]any{
			"wait_event_types": types,
			"summary": map[string]any{
				"time_range_hours": hours(w), "start_time": start, "end_time": end,
				"wait_event_types_count": len(types), "total_occurrences": d.SessionSamples, "hourly_timestamps": ts,
			},
		}}, true
	})
}
