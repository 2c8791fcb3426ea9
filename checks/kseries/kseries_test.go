package kseries_test

import (
	"math"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/checks/kseries/kseriestest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

func temp(blocks, calls int64, ms float64) workload.Counters {
	return workload.Counters{TempWritten: blocks, Calls: calls, ExecMS: ms, SharedHit: 90 * calls, SharedRead: 10 * calls}
}

func TestBuildRanksGroupsAndSumsOthers(t *testing.T) {
	// Statement 1 runs as two users (one group, two parts); 2 and 3 are smaller;
	// 4 wrote nothing; 5 is pgcheckup's own; 6 was idle.
	v := kseriestest.View(t, kseriestest.Options{Seconds: 100, Own: []int64{5}},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t ORDER BY a", Before: temp(100, 1, 1), After: temp(600, 11, 21)},
		kseriestest.Stmt{ID: 11, User: 20, DB: 2, Text: "SELECT * FROM t ORDER BY a", After: temp(300, 3, 5)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM u ORDER BY b", After: temp(200, 2, 2)},
		kseriestest.Stmt{ID: 3, User: 10, DB: 1, Text: "SELECT * FROM w ORDER BY c", After: temp(100, 1, 1)},
		kseriestest.Stmt{ID: 4, User: 10, DB: 1, Text: "SELECT 1", After: temp(0, 7, 1)},
		kseriestest.Stmt{ID: 5, User: 10, DB: 1, Text: "SELECT 2", After: workload.Counters{TempWritten: 9999, SharedRead: 1e6, Calls: 1}},
		kseriestest.Stmt{ID: 6, User: 10, DB: 1, Text: "SELECT 3", Before: temp(5, 1, 1), After: temp(5, 1, 1)},
	)
	l := kseries.Build(v, kseries.Spec{Measure: "temp bytes written", Unit: kseries.UnitBlocks, Value: workload.ByTempWritten, TopN: 2})
	if len(l.Rows) != 2 || l.Groups != 4 || l.Others == nil || l.Others.GroupsInOthers != 2 {
		t.Fatalf("rows %d, groups %d, others %+v", len(l.Rows), l.Groups, l.Others)
	}
	first := l.Rows[0]
	if first.Value != 800 || first.Parts != 2 || first.QueryID != 1 || len(first.Users) != 2 || first.Users[0] != "u10" ||
		first.Users[1] != "u20" || len(first.Databases) != 2 || first.Calls != 13 {
		t.Errorf("first row %+v", first)
	}
	if first.Bytes != 800*8192 || first.BytesPerSecond != 800*8192/100.0 || first.BytesPerCall != 800*8192/13.0 {
		t.Errorf("bytes %v, per second %v, per call %v", first.Bytes, first.BytesPerSecond, first.BytesPerCall)
	}
	if l.Rows[1].QueryID != 2 || l.Others.Value != 100 || l.Others.Calls != 8 {
		t.Errorf("second row %+v, others %+v", l.Rows[1], l.Others)
	}
	if l.Total != 1100 || l.TotalBytes != 1100*8192 || l.TotalCalls != 23 {
		t.Errorf("total %v bytes %v calls %d", l.Total, l.TotalBytes, l.TotalCalls)
	}
	sum := l.Others.SharePercent
	for _, r := range l.Rows {
		sum += r.SharePercent
	}
	if math.Abs(sum-100) > 1e-9 {
		t.Errorf("shares add up to %v", sum)
	}
	if l.TotalHitPercent == nil || math.Abs(*l.TotalHitPercent-90) > 1e-9 || first.HitPercent == nil || *first.HitPercent != 90 {
		t.Errorf("hit ratio %v (pgcheckup's own counted?), row %v", l.TotalHitPercent, first.HitPercent)
	}
	if l.Window.Seconds != 100 || l.Window.Source != "window" || l.Window.AttributedPercent != 100 || !l.BlockSizeAssumed {
		t.Errorf("window %+v", l.Window)
	}
}

func TestBuildEverythingListed(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t ORDER BY a", After: temp(600, 1, 1)})
	l := kseries.Build(v, kseries.Spec{Unit: kseries.UnitBlocks, Value: workload.ByTempWritten, TopN: 20})
	if len(l.Rows) != 1 || l.Others != nil || l.Rows[0].SharePercent != 100 {
		t.Errorf("%+v", l)
	}
}

func TestBuildHiddenAndLowerBound(t *testing.T) {
	// 7's counters went down: restarted in the window, a lower bound.
	v := kseriestest.View(t, kseriestest.Options{},
		kseriestest.Stmt{ID: 0, Hidden: true, User: 30, DB: 1, After: temp(500, 5, 5)},
		kseriestest.Stmt{ID: 7, User: 10, DB: 99, Text: "SELECT * FROM t ORDER BY a", Before: temp(900, 9, 9), After: temp(400, 4, 4)})
	l := kseries.Build(v, kseries.Spec{Unit: kseries.UnitBlocks, Value: workload.ByTempWritten, TopN: 20})
	if len(l.Rows) != 2 {
		t.Fatalf("%+v", l.Rows)
	}
	h, r := l.Rows[0], l.Rows[1]
	if !h.Hidden || h.QueryID != 0 || h.Query != "" || h.Value != 500 {
		t.Errorf("hidden row %+v", h)
	}
	if !r.LowerBound || r.Value != 400 || !l.Window.LowerBound {
		t.Errorf("restarted row %+v, window %+v", r, l.Window)
	}
	if got := kseries.StatementName(h); got != "another role's statement (text hidden)" {
		t.Errorf("name %q", got)
	}
	if got := kseries.StatementName(r); got != "SELECT statement queryid 7" {
		t.Errorf("name %q", got)
	}
}

func TestUsable(t *testing.T) {
	if _, s := kseries.Usable(nil); s == nil || s.Hint == "" {
		t.Errorf("nil view: %+v", s)
	}
	if _, s := kseries.Usable(&workload.View{Source: workload.SourceNone, Reason: "extension pg_stat_statements is not installed"}); s == nil ||
		s.Reason != "extension pg_stat_statements is not installed" {
		t.Errorf("no source: %+v", s)
	}
	v := kseriestest.View(t, kseriestest.Options{})
	if got, s := kseries.Usable(v); s != nil || got != v {
		t.Errorf("usable view refused: %+v", s)
	}
}

func TestRates(t *testing.T) {
	if kseries.PerSecond(10, 0) != 0 || kseries.PerSecond(10, 4) != 2.5 || kseries.PerCall(10, 0) != 0 || kseries.PerCall(9, 3) != 3 {
		t.Error("rates")
	}
	if kseries.HitPercent(workload.Counters{}) != nil {
		t.Error("hit ratio of nothing")
	}
}

func TestWindowOf(t *testing.T) {
	d := int64(7)
	v := kseriestest.View(t, kseriestest.Options{Dealloc: &d, Source: workload.SourcePrevious})
	w := kseries.WindowOf(v)
	if w.Deallocated == nil || *w.Deallocated != 7 || w.Source != "previous run" || w.Start == nil {
		t.Errorf("%+v", w)
	}
	if got := kseries.Span(w); got != "since the previous run (10m 0s)" {
		t.Errorf("span %q", got)
	}
}
