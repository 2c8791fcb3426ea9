package k001

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func snap(at time.Duration, f workload.Features, s workload.Settings, entries ...workload.Entry) *workload.Snapshot {
	return &workload.Snapshot{Format: workload.FormatVersion, Taken: t0.Add(at), PostmasterStart: t0.Add(-time.Hour),
		ServerVersion: 150004, ExtVersion: "1.10", Features: f, Settings: s, Entries: entries}
}

func entry(id int64, user uint32, c workload.Counters) workload.Entry {
	return workload.Entry{Key: workload.Key{QueryID: id, UserID: user, DBID: 5, TopLevel: true}, Counters: c}
}

var (
	full     = workload.Features{Plan: true, WAL: true, TopLevel: true, Info: true, TempIOTiming: true}
	settings = workload.Settings{Max: 5000, Track: "top", TrackPlanning: "on", TrackIOTiming: "on"}
)

// view makes a 100-second window: statement 1 grows by 10 calls/400 ms, statement 2 by
// 30 calls/100 ms, 3 (pgcheckup's own) by 1 call/1000 ms, 4 appears (5 calls/500 ms),
// 9 vanishes; hidden entries of user 20 grow by 2 calls/200 ms.
func view(t *testing.T, f workload.Features, s workload.Settings, dealloc0, dealloc1 int64) *workload.View {
	t.Helper()
	base := func(calls int64, ms float64) workload.Counters {
		return workload.Counters{Calls: calls, Plans: calls, ExecMS: ms * 0.9, PlanMS: ms * 0.1, Rows: 2 * calls,
			SharedHit: 90 * calls, SharedRead: 10 * calls, SharedDirtied: calls, SharedWritten: calls, TempWritten: 3 * calls,
			TempRead: 3 * calls, WALRecords: calls, WALFPI: calls, WALBytes: float64(100 * calls), BlkReadMS: ms / 10,
			BlkWriteMS: ms / 20, TempBlkReadMS: ms / 100, TempBlkWriteMS: ms / 50}
	}
	hidden := func(c workload.Counters) workload.Entry {
		e := entry(0, 20, c)
		e.Hidden, e.HiddenEntries = true, 3
		return e
	}
	prev := snap(0, f, s, entry(1, 10, base(10, 100)), entry(2, 10, base(5, 50)), entry(3, 10, base(1, 10)),
		entry(9, 10, base(1, 1)), hidden(base(4, 400)))
	cur := snap(100*time.Second, f, s, entry(1, 10, base(20, 500)), entry(2, 10, base(35, 150)), entry(3, 10, base(2, 1010)),
		entry(4, 10, base(5, 500)), hidden(base(6, 600)))
	if f.Info {
		prev.Dealloc, cur.Dealloc = &dealloc0, &dealloc1
		reset := t0.Add(-time.Hour)
		prev.StatsReset, cur.StatsReset = &reset, &reset
	}
	w, err := workload.Delta(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	return &workload.View{Source: workload.SourceWindow, Window: w, Requested: 100 * time.Second,
		Texts: &workload.Texts{ByID: map[int64]workload.Text{}, Own: map[int64]bool{3: true}}}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }

func run(t *testing.T, v any) *checks.Outcome {
	t.Helper()
	out, err := New().Run(context.Background(), &checks.Target{Node: checks.Node{Database: "app"}, Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTotals(t *testing.T) {
	d := run(t, view(t, full, settings, 7, 7)).Data.(Data)
	tt, w := d.Totals, d.Window
	// 1: 10 calls/400 ms, 2: 30/100, 4: 5/500, hidden: 2/200; 3 is pgcheckup's own.
	if tt.Calls.Total != 47 || !near(tt.TimeMS.Total, 1200) || !near(tt.ExecMS.Total, 1080) || tt.PlanMS == nil || !near(tt.PlanMS.Total, 120) {
		t.Fatalf("totals %+v", tt)
	}
	if !near(tt.Calls.PerSecond, 0.47) || tt.Calls.PerCall != nil || !near(tt.TimeMS.PerSecond, 12) || !near(*tt.TimeMS.PerCall, 1200.0/47) {
		t.Errorf("per second / per call: %+v %+v", tt.Calls, tt.TimeMS)
	}
	if tt.WALBytes == nil || tt.WALBytes.Total != 4700 || tt.BlkReadMS == nil || !near(tt.BlkReadMS.Total, 120) ||
		tt.TempBlkWriteMS == nil || !near(tt.TempBlkWriteMS.Total, 24) || tt.TempWritten.Total != 141 {
		t.Errorf("wal, io: %+v", tt)
	}
	if tt.HitPercent == nil || !near(*tt.HitPercent, 90) {
		t.Errorf("hit %v", tt.HitPercent)
	}
	if w.Source != "window" || w.Seconds != 100 || w.Own != 1 || !near(w.OwnMS, 1000) || w.Hidden != 3 || w.Appeared != 1 ||
		w.Vanished != 1 || w.Active != 5 || w.Entries != 5 || w.AttributedPercent != 100 || w.Deallocated == nil || *w.Deallocated != 0 ||
		!w.PlanTracked || !w.IOTimed || !w.WALTracked || w.Reason != "" {
		t.Errorf("window %+v", w)
	}
	// The own statement is in the window's totals, not in K001's.
	if v := view(t, full, settings, 7, 7); v.Window.Totals.Calls != 48 {
		t.Errorf("window calls %d", v.Window.Totals.Calls)
	}
}

// TestNotMeasured: counters the server does not measure are absent, not zeros.
func TestNotMeasured(t *testing.T) {
	off := workload.Settings{Max: 5000, Track: "top", TrackPlanning: "off", TrackIOTiming: "off"}
	d := run(t, view(t, full, off, 0, 0)).Data.(Data)
	if d.Totals.PlanMS != nil || d.Totals.BlkReadMS != nil || d.Totals.TempBlkReadMS != nil || d.Totals.WALBytes == nil {
		t.Errorf("off: %+v", d.Totals)
	}
	// PostgreSQL 12: pg_stat_statements 1.7 has no plan, WAL or info.
	d = run(t, view(t, workload.Features{}, workload.Settings{TrackIOTiming: "on"}, 0, 0)).Data.(Data)
	if d.Totals.PlanMS != nil || d.Totals.WALBytes != nil || d.Totals.WALRecords != nil || d.Totals.BlkReadMS == nil ||
		d.Totals.TempBlkReadMS != nil || d.Window.Deallocated != nil || !near(d.Totals.ExecMS.Total, 1080) {
		t.Errorf("1.7: %+v", d.Totals)
	}
	// With no call at all, nothing per call (no division by zero).
	v := view(t, full, settings, 0, 0)
	v.Window.Deltas = nil
	d = run(t, v).Data.(Data)
	if d.Totals.TimeMS.PerCall != nil || d.Totals.HitPercent != nil || d.Totals.Calls.Total != 0 {
		t.Errorf("empty: %+v", d.Totals)
	}
}

func codes(fs []checks.Finding) map[string]checks.Severity {
	m := map[string]checks.Severity{}
	for _, f := range fs {
		m[f.Code] = f.Severity
	}
	return m
}

func TestFindings(t *testing.T) {
	if got := codes(run(t, view(t, full, settings, 7, 7)).Findings); len(got) != 0 {
		t.Errorf("clean window: %v", got)
	}
	out := run(t, view(t, full, settings, 7, 8))
	if got := codes(out.Findings); len(got) != 1 || got["K001/deallocated"] != checks.P3 {
		t.Errorf("one deallocation: %v", got)
	}
	if c := out.Findings[0].Conclusion; !strings.Contains(c, "evicted 1 entries during the 1m 40s window") || !strings.Contains(c, "(5000)") {
		t.Errorf("conclusion %q", c)
	}
	off := settings
	off.TrackPlanning = "off"
	out = run(t, view(t, full, off, 0, 0))
	if got := codes(out.Findings); len(got) != 1 || got["K001/plan-time-unknown"] != checks.Info ||
		!strings.Contains(out.Findings[0].Recommendation, "track_planning = on") {
		t.Errorf("track_planning off: %+v", out.Findings)
	}
	// 1.7 (PostgreSQL 12): no planning counters, even with a placeholder track_planning = on.
	for _, tp := range []string{"", "on"} {
		out = run(t, view(t, workload.Features{}, workload.Settings{TrackIOTiming: "on", TrackPlanning: tp}, 0, 0))
		if got := codes(out.Findings); len(got) != 1 || !strings.Contains(out.Findings[0].Conclusion, "has no planning counters") {
			t.Errorf("1.7, track_planning %q: %+v", tp, out.Findings)
		}
	}
	v := view(t, full, settings, 0, 0)
	v.Source, v.Reason = workload.SourceReset, "no window (--window) and no previous run to compare with"
	out = run(t, v)
	if got := codes(out.Findings); len(got) != 1 || got["K001/no-window"] != checks.Info ||
		!strings.Contains(out.Findings[0].Conclusion, "no previous run to compare with") {
		t.Errorf("since reset: %+v", out.Findings)
	}
	if d := out.Data.(Data); d.Window.Reason == "" {
		t.Errorf("reason missing: %+v", d.Window)
	}
}

// TestReset: a reset inside the window (pg_stat_statements_info says when) is reported.
func TestReset(t *testing.T) {
	prev := snap(0, full, settings, entry(1, 10, workload.Counters{Calls: 100, ExecMS: 1000}))
	cur := snap(time.Minute, full, settings, entry(1, 10, workload.Counters{Calls: 3, ExecMS: 30}))
	r0, r1 := t0.Add(-time.Hour), t0.Add(20*time.Second)
	z0, z1 := int64(50), int64(0)
	prev.StatsReset, cur.StatsReset, prev.Dealloc, cur.Dealloc = &r0, &r1, &z0, &z1
	w, err := workload.Delta(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	out := run(t, &workload.View{Source: workload.SourceWindow, Window: w})
	d := out.Data.(Data)
	if !d.Window.Reset || d.Window.ResetAt == nil || d.Window.Seconds != 40 || d.Totals.Calls.Total != 3 || *d.Window.Deallocated != 0 {
		t.Errorf("window %+v totals %+v", d.Window, d.Totals.Calls)
	}
	if got := codes(out.Findings); len(got) != 1 || got["K001/reset-in-window"] != checks.Info {
		t.Errorf("findings %+v", out.Findings)
	}
}

func TestSkip(t *testing.T) {
	out := run(t, nil)
	if out.Skip == nil || out.Data != nil || !strings.Contains(out.Skip.Reason, "not measured") {
		t.Errorf("nil view: %+v", out)
	}
	out = run(t, &workload.View{Source: workload.SourceNone, Reason: workload.ErrNotInstalled.Error()})
	if out.Skip == nil || !strings.Contains(out.Skip.Hint, "CREATE EXTENSION pg_stat_statements; (in database app") {
		t.Errorf("not installed: %+v", out.Skip)
	}
	out = run(t, &workload.View{Source: workload.SourceNone, Reason: workload.ErrNotLoaded.Error()})
	if out.Skip == nil || !strings.Contains(out.Skip.Hint, "shared_preload_libraries") {
		t.Errorf("not loaded: %+v", out.Skip)
	}
}

func TestTemplate(t *testing.T) {
	v := view(t, full, settings, 7, 9)
	out := run(t, v)
	md := checktest.Template(t, "K001", out.Data)
	for _, want := range []string{"Window of 1m 40s", "100.0% of the statement time", "**2 deallocated**",
		"pgcheckup's own statements (1) are left out", "3 entries of other roles are hidden", "| Calls | 47 | 0.47 | |",
		"| Time (execution + planning) | 1,200 ms | 12.0 ms | 25.5 ms |", "| WAL bytes | 4.6 KiB |", "| Shared hit ratio | 90.0% |"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 4)
	off := settings
	off.TrackPlanning, off.TrackIOTiming = "off", "off"
	v = view(t, workload.Features{}, off, 0, 0)
	v.Source, v.Reason = workload.SourceReset, "no window | `evil`"
	md = checktest.Template(t, "K001", run(t, v).Data)
	for _, want := range []string{"**No window**", "Planning time is not tracked", "I/O times are not measured",
		"| Planning time | *not tracked* | | |", "| WAL bytes | *not counted* | | |", "| Block read time | *not measured* | | |"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	if strings.Contains(md, "no window | `evil`") {
		t.Errorf("reason not escaped:\n%s", md)
	}
	checktest.TableRows(t, md, 4)
	// JSON: the facts and the totals a reader needs are there.
	b, _ := json.Marshal(out.Data)
	for _, want := range []string{`"source":"window"`, `"seconds":100`, `"attributed_percent":100`, `"deallocated":2`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
}
