package workload

import (
	"cmp"
	"slices"
)

// Listing is a workload check's table: the top statement groups by one measure, and one
// row for all the others, so that the shares add up to 100% of the window.
type Listing struct {
	Rows []Group `json:"rows"`
	// Others sums every group not listed (Parts left empty); OthersGroups counts them.
	Others       Counters `json:"others"`
	OthersGroups int      `json:"others_groups"`
	// Total is the measure summed over every group (listed or not); each row's share is
	// its measure / Total.
	Total float64 `json:"total"`
}

// List ranks v's statement groups (pgcheckup's own left out) by measure, highest first,
// and keeps the first n with a measure above zero. Groups come from GroupByFingerprint,
// so a query run by many roles or in many databases is one row with its parts.
func List(v *View, measure func(Counters) float64, n int) Listing {
	var out Listing
	if v == nil || v.Window == nil {
		return out
	}
	groups := v.grouped()
	// rank by each group's measure, taken once; stable, so ties keep grouped()'s order
	keys := make([]float64, len(groups))
	order := make([]int, len(groups))
	for i := range groups {
		keys[i], order[i] = measure(groups[i].Counters), i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
	for _, i := range order {
		m := keys[i]
		out.Total += m
		if len(out.Rows) < n && m > 0 {
			out.Rows = append(out.Rows, groups[i])
			continue
		}
		out.Others = out.Others.add(groups[i].Counters)
		out.OthersGroups++
	}
	return out
}

// grouped is v's statement groups (GroupByFingerprint), pgcheckup's own and entries of
// unknown status left out. Every workload check ranks the same groups by a measure of
// its own, so they are made once per View; the checks only read them.
func (v *View) grouped() []Group {
	v.groupOnce.Do(func() {
		var texts map[int64]Text
		var own map[int64]bool
		if v.Texts != nil {
			texts, own = v.Texts.ByID, v.Texts.Own
		}
		deltas := make([]EntryDelta, 0, len(v.Window.Deltas))
		for _, d := range v.Window.Deltas {
			if d.Status != Unknown && !own[d.QueryID] {
				deltas = append(deltas, d)
			}
		}
		v.groups = GroupByFingerprint(deltas, texts)
	})
	return v.groups
}

// Candidates are the queryids whose texts a View needs: the first n entries by each
// measure (before grouping, so with a margin), pgcheckup's own included, so that they
// can be recognized and left out.
func Candidates(w *Window, n int, measures ...func(Counters) float64) []int64 {
	if w == nil {
		return nil
	}
	seen := map[int64]bool{}
	var ids []int64
	ds := w.Deltas
	keys := make([]float64, len(ds))
	order := make([]int, len(ds))
	for _, m := range measures {
		for i := range ds {
			keys[i], order[i] = m(ds[i].Counters), i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[b], keys[a]) })
		for _, i := range order[:min(n, len(order))] {
			if id := ds[i].QueryID; !ds[i].Hidden && !seen[id] && keys[i] > 0 {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	return ids
}
