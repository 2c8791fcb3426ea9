package workload

import (
	"reflect"
	"testing"
)

// TestListRanksEachMeasureOnTheSameGroups: the groups are made once per View; each
// listing still ranks them by its own measure, leaves out pgcheckup's own statements and
// the entries of unknown status, and a listing does not change the next one's input.
func TestListRanksEachMeasureOnTheSameGroups(t *testing.T) {
	d := func(id int64, ms float64, calls int64, st Status) EntryDelta {
		return EntryDelta{Key: Key{QueryID: id, UserID: 10, DBID: 1, TopLevel: true}, Status: st,
			Counters: Counters{Calls: calls, ExecMS: ms}}
	}
	view := func() *View {
		return &View{Window: &Window{Deltas: []EntryDelta{d(1, 50, 1, Exact), d(2, 40, 9, Exact), d(3, 30, 5, New),
			d(4, 500, 500, Unknown), d(5, 900, 900, Exact)}},
			Texts: &Texts{Own: map[int64]bool{5: true}}}
	}
	ids := func(l Listing) []int64 {
		var out []int64
		for _, g := range l.Rows {
			out = append(out, g.Parts[0].QueryID)
		}
		return out
	}
	calls := func(c Counters) float64 { return float64(c.Calls) }
	v := view()
	byTime, byCalls, byTime2 := List(v, ByTime, 2), List(v, calls, 3), List(v, ByTime, 2)
	if got := ids(byTime); !reflect.DeepEqual(got, []int64{1, 2}) || byTime.OthersGroups != 1 || byTime.Total != 120 {
		t.Errorf("by time: %v, %d others, total %v", got, byTime.OthersGroups, byTime.Total)
	}
	if got := ids(byCalls); !reflect.DeepEqual(got, []int64{2, 3, 1}) || byCalls.Total != 15 {
		t.Errorf("by calls: %v, total %v", got, byCalls.Total)
	}
	if !reflect.DeepEqual(byTime, byTime2) || !reflect.DeepEqual(byCalls, List(view(), calls, 3)) {
		t.Error("a listing depends on the listings made before it")
	}
}
