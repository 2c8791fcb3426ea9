package platform

import (
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks/k003"
	"github.com/pgcheckup/pgcheckup/report"
)

// K003 became a workload check (issue 16): its counters cover its own window
// (Data.Window: two snapshots, the previous run, or since the statistics began), not the
// time since D004's stats_reset, so its platform file takes the duration and the start
// from there.

func mapK003Window(x *exporter, c *report.Check) (map[string]any, error) {
	return perNode(x, c, func(node string, d *k003.Data) (any, bool) {
		dur := d.Window.Seconds
		per := func(v float64) float64 {
			if dur <= 0 {
				return 0
			}
			return v / dur
		}
		perCall := func(v float64, calls int64) float64 {
			if calls <= 0 {
				return 0
			}
			return v / float64(calls)
		}
		byDB := map[string][]any{}
		type sum struct {
			calls    int64
			ms, rows float64
			n        int
		}
		sums := map[string]*sum{}
		hidden := 0
		for _, s := range d.Top {
			if s.QueryID == nil {
				hidden++
				continue
			}
			db := string(s.Database)
			cl, rows := float64(s.Calls), float64(s.Rows)
			byDB[db] = append(byDB[db], map[string]any{
				"queryid": fmt.Sprint(*s.QueryID), "database": db, "user": string(s.User),
				"duration_seconds": dur,
				"calls":            s.Calls, "calls_per_sec": per(cl), "calls_per_call": perCall(cl, s.Calls),
				"total_time": s.TotalMS, "total_time_per_sec": per(s.TotalMS), "total_time_per_call": perCall(s.TotalMS, s.Calls),
				"rows": rows, "rows_per_sec": per(rows), "rows_per_call": perCall(rows, s.Calls),
				"shared_blks_hit": s.SharedHit, "shared_blks_hit_per_sec": per(float64(s.SharedHit)), "shared_blks_hit_per_call": perCall(float64(s.SharedHit), s.Calls),
				"shared_blks_read": s.SharedRead, "shared_blks_read_per_sec": per(float64(s.SharedRead)), "shared_blks_read_per_call": perCall(float64(s.SharedRead), s.Calls),
				"shared_blks_dirtied": 0, "shared_blks_dirtied_per_sec": 0, "shared_blks_dirtied_per_call": 0,
				"shared_blks_written": 0, "shared_blks_written_per_sec": 0, "shared_blks_written_per_call": 0,
				"blk_read_time": s.IOReadMS, "blk_read_time_per_sec": per(s.IOReadMS), "blk_read_time_per_call": perCall(s.IOReadMS, s.Calls),
				"blk_write_time": s.IOWriteMS, "blk_write_time_per_sec": per(s.IOWriteMS), "blk_write_time_per_call": perCall(s.IOWriteMS, s.Calls),
			})
			sm := sums[db]
			if sm == nil {
				sm = &sum{}
				sums[db] = sm
			}
			sm.calls += s.Calls
			sm.ms += s.TotalMS
			sm.rows += rows
			sm.n++
		}
		if hidden > 0 {
			x.note("K003", "%s: %d statement(s) without a visible queryid left out", node, hidden)
		}
		x.note("K003", "%s: %s, %.0f s; shared_blks_dirtied/written are not in K003's rows: 0", node, d.Window.Source, dur)
		out := map[string]any{}
		for _, db := range sortedKeys(byDB) {
			sm := sums[db]
			out[db] = map[string]any{
				"top_queries": byDB[db],
				"summary": map[string]any{
					"queries_returned": sm.n, "total_calls": sm.calls, "total_time_ms": sm.ms, "total_rows": sm.rows,
					"time_range_minutes": int64(dur / 60), "start_time": d.Window.Start.UTC().Format(time.RFC3339),
					"end_time": d.Window.End.UTC().Format(time.RFC3339), "limit": len(d.Top),
				},
			}
		}
		return out, true
	})
}
