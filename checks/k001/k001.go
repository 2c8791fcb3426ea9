// Package k001 reports the workload of a node as a whole over a time window: calls,
// time, rows, buffers, temporary files, WAL and I/O time summed over every statement of
// pg_stat_statements, per second and per call, with the facts of the window itself
// (its source and length, resets, deallocations, what could be attributed). It reads
// nothing itself: the pipeline gives it the node's workload.View.
package k001

import (
	"context"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K001.
type Check struct{}

// New returns K001.
func New() *Check { return &Check{} }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K001", Title: "Workload totals", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: none, the pipeline's snapshots are K001's data.
func (c *Check) Queries() []checks.Query { return nil }

// Measure is one counter over the window: its total, per second of the window and per
// call (nil when no call completed).
type Measure struct {
	Total     float64  `json:"total"`
	PerSecond float64  `json:"per_second"`
	PerCall   *float64 `json:"per_call,omitempty"`
}

// Totals are the window's counters summed over every statement but pgcheckup's own.
// A counter the server does not measure is nil (Window says why): plan time without
// track_planning, WAL before PostgreSQL 13, I/O times without track_io_timing.
type Totals struct {
	Calls         Measure  `json:"calls"`
	TimeMS        Measure  `json:"time_ms"` // execution + planning
	ExecMS        Measure  `json:"exec_ms"`
	PlanMS        *Measure `json:"plan_ms,omitempty"`
	Plans         *Measure `json:"plans,omitempty"`
	Rows          Measure  `json:"rows"`
	SharedHit     Measure  `json:"shared_blks_hit"`
	SharedRead    Measure  `json:"shared_blks_read"`
	SharedDirtied Measure  `json:"shared_blks_dirtied"`
	SharedWritten Measure  `json:"shared_blks_written"`
	LocalHit      Measure  `json:"local_blks_hit"`
	LocalRead     Measure  `json:"local_blks_read"`
	TempRead      Measure  `json:"temp_blks_read"`
	TempWritten   Measure  `json:"temp_blks_written"`
	WALRecords    *Measure `json:"wal_records,omitempty"`
	WALFPI        *Measure `json:"wal_fpi,omitempty"`
	WALBytes      *Measure `json:"wal_bytes,omitempty"`
	BlkReadMS     *Measure `json:"blk_read_ms,omitempty"`
	BlkWriteMS    *Measure `json:"blk_write_ms,omitempty"`
	// Temp I/O time is measured from pg_stat_statements 1.10 (PostgreSQL 15).
	TempBlkReadMS  *Measure `json:"temp_blk_read_ms,omitempty"`
	TempBlkWriteMS *Measure `json:"temp_blk_write_ms,omitempty"`
	// HitPercent is shared blocks hit / (hit + read); nil with no shared block accessed.
	HitPercent *float64 `json:"hit_percent,omitempty"`
}

// Data is what K001 reports.
type Data struct {
	Window Window `json:"window"`
	Totals Totals `json:"totals"`
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v := Usable(t.Workload)
	if v == nil {
		return &checks.Outcome{Skip: Skip(t.Workload, t.Node.Database)}, nil
	}
	d := build(v)
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

// Sum adds up the counters of v's window that K001 reports, pgcheckup's own statements
// left out.
func Sum(v *workload.View) workload.Counters {
	var t workload.Counters
	for _, d := range v.Window.Deltas {
		if Own(v, d) {
			continue
		}
		c := d.Counters
		t.Calls += c.Calls
		t.Plans += c.Plans
		t.ExecMS += c.ExecMS
		t.PlanMS += c.PlanMS
		t.Rows += c.Rows
		t.SharedHit += c.SharedHit
		t.SharedRead += c.SharedRead
		t.SharedDirtied += c.SharedDirtied
		t.SharedWritten += c.SharedWritten
		t.LocalHit += c.LocalHit
		t.LocalRead += c.LocalRead
		t.TempRead += c.TempRead
		t.TempWritten += c.TempWritten
		t.WALRecords += c.WALRecords
		t.WALFPI += c.WALFPI
		t.WALBytes += c.WALBytes
		t.BlkReadMS += c.BlkReadMS
		t.BlkWriteMS += c.BlkWriteMS
		t.TempBlkReadMS += c.TempBlkReadMS
		t.TempBlkWriteMS += c.TempBlkWriteMS
	}
	return t
}

func build(v *workload.View) Data {
	d := Data{Window: Facts(v)}
	s := Sum(v)
	secs, calls := d.Window.Seconds, s.Calls
	m := func(x float64) Measure {
		out := Measure{Total: x}
		if secs > 0 {
			out.PerSecond = x / secs
		}
		if calls > 0 {
			pc := x / float64(calls)
			out.PerCall = &pc
		}
		return out
	}
	opt := func(ok bool, x float64) *Measure {
		if !ok {
			return nil
		}
		r := m(x)
		return &r
	}
	w := d.Window
	f := v.Window.Features
	d.Totals = Totals{Calls: m(float64(s.Calls)), TimeMS: m(s.TimeMS()), ExecMS: m(s.ExecMS),
		PlanMS: opt(w.PlanTracked, s.PlanMS), Plans: opt(w.PlanTracked, float64(s.Plans)),
		Rows: m(float64(s.Rows)), SharedHit: m(float64(s.SharedHit)), SharedRead: m(float64(s.SharedRead)),
		SharedDirtied: m(float64(s.SharedDirtied)), SharedWritten: m(float64(s.SharedWritten)),
		LocalHit: m(float64(s.LocalHit)), LocalRead: m(float64(s.LocalRead)),
		TempRead: m(float64(s.TempRead)), TempWritten: m(float64(s.TempWritten)),
		WALRecords: opt(w.WALTracked, float64(s.WALRecords)), WALFPI: opt(w.WALTracked, float64(s.WALFPI)),
		WALBytes:  opt(w.WALTracked, s.WALBytes),
		BlkReadMS: opt(w.IOTimed, s.BlkReadMS), BlkWriteMS: opt(w.IOTimed, s.BlkWriteMS),
		TempBlkReadMS: opt(w.IOTimed && f.TempIOTiming, s.TempBlkReadMS), TempBlkWriteMS: opt(w.IOTimed && f.TempIOTiming, s.TempBlkWriteMS),
	}
	d.Totals.Calls.PerCall = nil // calls per call says nothing
	if n := s.SharedHit + s.SharedRead; n > 0 {
		p := 100 * float64(s.SharedHit) / float64(n)
		d.Totals.HitPercent = &p
	}
	return d
}

func analyze(d Data) []checks.Finding {
	w := d.Window
	var out []checks.Finding
	if w.Deallocated != nil && *w.Deallocated > 0 {
		max := "its current value"
		if w.Max > 0 {
			max = fmt.Sprintf("%d", w.Max)
		}
		out = append(out, checks.Finding{Code: "K001/deallocated", Severity: checks.P3,
			Conclusion: fmt.Sprintf("pg_stat_statements evicted %d entries %s because %s (%s) was reached: "+
				"what they did before eviction is lost, so the workload checks (K001-K008, M001-M003) miss part of it.",
				*w.Deallocated, during(w), checks.Code("pg_stat_statements.max"), max),
			Recommendation: "Raise " + checks.Code("pg_stat_statements.max") + " (a restart is needed; each entry takes a few hundred bytes " +
				"of shared memory plus its text in the query-text file), e.g. " + checks.Code("ALTER SYSTEM SET pg_stat_statements.max = 10000;") +
				". Many statements that differ only in the number of IN-list items or in temporary table names also fill it: fix those in the application."})
	}
	if w.Reset {
		how := "every entry's counters start at the reset, so the figures cover only the part of the window after it"
		if w.ResetAt == nil {
			how = "the server does not say when (pg_stat_statements older than 1.9), so the figures are lower bounds"
		}
		out = append(out, checks.Finding{Code: "K001/reset-in-window", Severity: checks.Info,
			Conclusion: fmt.Sprintf("pg_stat_statements was reset %s: %s.", during(w), how),
			Recommendation: "Take the window again when nothing resets the statistics (" + checks.Code("pg_stat_statements_reset()") +
				" run by a monitoring job or by hand)."})
	}
	if !w.PlanTracked {
		f := checks.Finding{Code: "K001/plan-time-unknown", Severity: checks.Info,
			Conclusion: "Planning time is not tracked (" + checks.Code("pg_stat_statements.track_planning") +
				" is off): every time in K001 and K003 is execution time only, and statements that spend their time planning look cheaper than they are.",
			Recommendation: "To count it: " + checks.Code("ALTER SYSTEM SET pg_stat_statements.track_planning = on;") + " and " +
				checks.Code("SELECT pg_reload_conf();") + ". It adds some overhead, mostly under many concurrent identical statements."}
		if !w.PlanCounters {
			f.Conclusion = "Planning time is not tracked: pg_stat_statements " + checks.Code(string(w.ExtensionVersion)) +
				" has no planning counters (they came with 1.8, PostgreSQL 13). Every time in K001 and K003 is execution time only."
			f.Recommendation = "Upgrade PostgreSQL to 13 or newer and run " + checks.Code("ALTER EXTENSION pg_stat_statements UPDATE;") + "."
		}
		out = append(out, f)
	}
	if w.Source == checks.Label(workload.SourceReset) {
		out = append(out, checks.Finding{Code: "K001/no-window", Severity: checks.Info,
			Conclusion: fmt.Sprintf("No window was measured (%s): the workload checks show the totals since the statistics began (%s, from %s), "+
				"in which an old pattern can hide today's problem.", checks.Esc(string(w.Reason)), checks.Duration(w.Seconds), w.Start.UTC().Format("2006-01-02 15:04 MST")),
			Recommendation: "Measure a window: " + checks.Code("pgcheckup run --window 10m ...") + " during the busy hours, " +
				"or run pgcheckup again later with the same project and output folder: the next run compares with this one's snapshot."})
	}
	return out
}

// during says when something happened: in the window, or since the reset.
func during(w Window) string {
	if w.Source == checks.Label(workload.SourceReset) {
		return "since the statistics began"
	}
	return fmt.Sprintf("during the %s window", checks.Duration(w.Seconds))
}
