package f002

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTopNIsTheSortedPrefix: topN returns what sorting everything and taking n would,
// ties on the key broken by oid.
func TestTopNIsTheSortedPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	less := func(a, b age) int { return cmp.Or(cmp.Compare(b.xid, a.xid), cmp.Compare(a.oid, b.oid)) }
	for _, size := range []int{0, 1, 5, 100, 5000} {
		all := make([]age, size)
		for i := range all {
			all[i] = age{oid: uint32(r.IntN(1 << 20)), xid: int64(r.IntN(50))} // many ties
		}
		for _, n := range []int{-1, 0, 1, 3, 20, size, size + 5} {
			want := slices.Clone(all)
			slices.SortFunc(want, less)
			want = want[:min(len(want), max(n, 0))]
			got := topN(all, n, less)
			if len(got) != len(want) || (len(want) > 0 && !slices.Equal(got, want)) {
				t.Fatalf("size %d, n %d: got %d rows, want %d (first differs: %v)", size, n, len(got), len(want), !slices.Equal(got, want))
			}
		}
	}
}
