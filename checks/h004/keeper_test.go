package h004

import (
	"testing"
)

// ix builds a btree index on table 1 with key columns keys (opclass 10 each, no collation,
// no options).
func ix(oid uint32, keys ...int16) peer {
	n := len(keys)
	return peer{oid: oid, indrelid: 1, keys: keys, incl: []int16{}, opc: fill(n, 10), coll: fill(n, 0),
		opt: make([]int16, n), immediate: true, droppable: true, method: "btree", bytes: 8192}
}

func fill(n int, v uint32) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func str(s string) *string { return &s }

// found is drop oid -> keep oid, rule and duplicate, for the candidates of ps.
func found(ps ...peer) map[uint32]candidate {
	out := map[uint32]candidate{}
	for _, c := range candidates(ps) {
		out[c.drop.oid] = c
	}
	return out
}

func TestKeeperRules(t *testing.T) {
	gin := func(oid uint32, keys ...int16) peer {
		p := ix(oid, keys...)
		p.method, p.opc = "gin", fill(len(keys), 20)
		return p
	}
	type want struct {
		drop, keep uint32
		rule       string
		dup        bool
	}
	cases := []struct {
		name string
		ps   []peer
		want []want
	}{
		{"prefix", []peer{ix(1, 1), ix(2, 1, 2)}, []want{{1, 2, "btree-prefix", false}}},
		// (c1, c2) is not a prefix of (c1, c3, c2)
		{"not a prefix", []peer{ix(1, 1, 2), ix(2, 1, 3, 2)}, nil},
		// the older of two identical indexes is kept
		{"duplicate", []peer{ix(5, 1, 2), ix(3, 1, 2)}, []want{{5, 3, "same-keys", true}}},
		// the widest keeper, so that no keeper is itself dropped
		{"widest", []peer{ix(1, 1), ix(2, 1, 2), ix(3, 1, 2, 3)},
			[]want{{1, 3, "btree-prefix", false}, {2, 3, "btree-prefix", false}}},
		{"descending", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); b.opt[0] = 3; return []peer{a, b} }(), nil},
		{"other collation", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); a.coll[0] = 100; return []peer{a, b} }(), nil},
		{"other table", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); b.indrelid = 2; return []peer{a, b} }(), nil},
		{"constraint keeps its index", func() []peer {
			a, b := ix(1, 1, 2), ix(2, 1, 2)
			b.backing = true
			return []peer{a, b}
		}(), []want{{1, 2, "same-keys", true}}},
		{"constraint index never dropped", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); a.backing = true; return []peer{a, b} }(), nil},
		{"replica identity never dropped", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); a.replident = true; return []peer{a, b} }(), nil},
		{"attached partition index", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); a.droppable = false; return []peer{a, b} }(), nil},
		{"clustered kept", func() []peer { a, b := ix(1, 1), ix(2, 1); b.clustered = true; return []peer{a, b} }(),
			[]want{{1, 2, "same-keys", true}}},
		{"unique not replaced by wider unique", func() []peer {
			a, b := ix(1, 1), ix(2, 1, 2)
			a.uniq, b.uniq = true, true
			return []peer{a, b}
		}(), nil},
		{"unique not replaced by non-unique", func() []peer { a, b := ix(1, 1), ix(2, 1); a.uniq = true; return []peer{a, b} }(),
			[]want{{2, 1, "same-keys", false}}},
		{"nulls not distinct differs", func() []peer {
			a, b := ix(1, 1), ix(2, 1)
			a.uniq, b.uniq, b.nnd = true, true, true
			return []peer{a, b}
		}(), nil},
		{"nulls not distinct both", func() []peer {
			a, b := ix(1, 1), ix(2, 1)
			a.uniq, b.uniq, a.nnd, b.nnd = true, true, true, true
			return []peer{a, b}
		}(), []want{{2, 1, "same-keys", true}}},
		{"include columns", func() []peer {
			a, b := ix(1, 1), ix(2, 1)
			a.incl = []int16{3}
			b.incl = []int16{}
			return []peer{a, b}
		}(),
			[]want{{2, 1, "same-keys", false}}},
		{"partial against plain", func() []peer {
			a, b := ix(1, 1), ix(2, 1, 2)
			a.hasPred, a.pred = true, str("(a > 0)")
			return []peer{a, b}
		}(), nil},
		{"same predicate", func() []peer {
			a, b := ix(1, 1), ix(2, 1, 2)
			a.hasPred, a.pred, b.hasPred, b.pred = true, str("(a > 0)"), true, str("(a > 0)")
			return []peer{a, b}
		}(), []want{{1, 2, "btree-prefix", false}}},
		{"other expressions", func() []peer {
			a, b := ix(1, 0), ix(2, 0, 2)
			a.hasExprs, a.exprs, b.hasExprs, b.exprs = true, str("lower(a)"), true, str("upper(a)")
			return []peer{a, b}
		}(), nil},
		{"gist prefix", func() []peer { a, b := ix(1, 1), ix(2, 1, 2); a.method, b.method = "gist", "gist"; return []peer{a, b} }(),
			[]want{{1, 2, "gist-prefix", false}}},
		{"hash: same keys only", func() []peer {
			a, b := ix(1, 1), ix(2, 1, 2)
			a.method, b.method = "plain", "plain"
			return []peer{a, b}
		}(), nil},
		{"brin options differ", func() []peer {
			a, b := ix(1, 1), ix(2, 1)
			a.method, b.method = "options", "options"
			a.reloptions, b.reloptions = &[]string{"pages_per_range=16"}, nil
			return []peer{a, b}
		}(), nil},
		{"gin subset", []peer{gin(1, 2), gin(2, 1, 2)}, []want{{1, 2, "gin-subset", false}}},
		// the same columns in another order serve each other: the older is kept
		{"gin reordered", []peer{gin(1, 1, 2), gin(2, 2, 1)}, []want{{2, 1, "gin-subset", false}}},
		{"gin other column", []peer{gin(1, 3), gin(2, 1, 2)}, nil},
		// under a lock, a partial index cannot be compared: listed as not compared
		{"locked partial", func() []peer {
			a, b := ix(1, 1), ix(2, 1, 2)
			a.hasPred, b.hasPred, a.tableLocked, b.tableLocked = true, true, true, true
			return []peer{a, b}
		}(), []want{{1, 2, "btree-prefix", false}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := found(tc.ps...)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d candidates, want %d: %+v", len(got), len(tc.want), got)
			}
			for _, w := range tc.want {
				c, ok := got[w.drop]
				if !ok || c.keep.oid != w.keep || c.rule != w.rule || c.duplicate != w.dup {
					t.Errorf("drop %d: got %+v, want %+v", w.drop, c, w)
				}
			}
		})
	}
}

func TestLockedNotCompared(t *testing.T) {
	a, b, c := ix(1, 1), ix(2, 1, 2), ix(3, 1, 2, 3)
	a.hasPred, b.hasPred, a.tableLocked, b.tableLocked, c.tableLocked = true, true, true, true, true
	got := found(a, b, c)
	// a's keeper is b (its predicate could not be compared), b's is c, compared
	if x := got[1]; x.compared || x.keep.oid != 2 {
		t.Errorf("a: %+v", x)
	}
	if _, ok := got[2]; ok {
		t.Errorf("b is partial, c is not: %+v", got[2])
	}
}

func TestRankAndCount(t *testing.T) {
	a, b, c, k := ix(1, 1), ix(2, 1), ix(3, 1), ix(9, 1, 2)
	a.bytes, b.bytes, c.bytes = 1<<30, 1<<30, 100
	cands := []candidate{{drop: &c, keep: &k, rule: "btree-prefix", compared: true},
		{drop: &b, keep: &k, rule: "gist-prefix", compared: true}, {drop: &a, keep: &k, rule: "btree-prefix", compared: true},
		{drop: &k, keep: &a, compared: false}}
	r := rank(cands)
	if len(r) != 3 || r[0].drop.oid != 1 || r[1].drop.oid != 2 || r[2].drop.oid != 3 {
		t.Fatalf("rank: %v %v %v", r[0].drop.oid, r[1].drop.oid, r[2].drop.oid)
	}
	if u := count(r[1:], 1<<30); u != (Unlisted{P3: 2}) {
		t.Errorf("count: %+v", u)
	}
	if u := count(r, 1<<30); u != (Unlisted{P2: 1, P3: 2}) {
		t.Errorf("count: %+v", u)
	}
}
