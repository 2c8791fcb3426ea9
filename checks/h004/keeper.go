package h004

import (
	"cmp"
	"slices"
)

// peer is one index that shares its table, first column and operator class with another
// (or is GIN beside another GIN index), as h004.sql returns it.
type peer struct {
	oid, indrelid uint32
	keys, incl    []int16 // key columns (0: an expression) and INCLUDE columns
	opc, coll     []uint32
	opt           []int16
	uniq          bool
	immediate     bool
	nnd           bool // NULLS NOT DISTINCT (15+)
	clustered     bool
	replident     bool
	backing       bool // a constraint needs it (its own, or a foreign key referencing it)
	hasPred       bool
	hasExprs      bool
	tableLocked   bool    // the table is under another session's ACCESS EXCLUSIVE lock
	pred, exprs   *string // pg_get_expr's text; nil under a lock
	droppable     bool    // not a partition's attached index, not in a system schema
	partitioned   bool
	bytes         int64  // relpages * block_size
	method        string // btree, gist, gin, plain (no storage options) or options
	reloptions    *[]string
}

func (p *peer) protected() bool { return p.replident || p.backing }

// candidate is an index that can be dropped and the index to keep instead.
type candidate struct {
	drop, keep *peer
	rule       string
	duplicate  bool
	// compared is false when the table is locked and a predicate or expressions would
	// have had to be compared: such an index is not listed, its table is named instead.
	compared bool
}

// candidates finds for each droppable index its keeper: the widest index of its table
// that serves all its uses (see rule). It sorts ps by table.
func candidates(ps []peer) []candidate {
	slices.SortFunc(ps, func(x, y peer) int {
		return cmp.Or(cmp.Compare(x.indrelid, y.indrelid), cmp.Compare(x.oid, y.oid))
	})
	var out []candidate
	for lo := 0; lo < len(ps); {
		hi := lo + 1
		for hi < len(ps) && ps[hi].indrelid == ps[lo].indrelid {
			hi++
		}
		table := ps[lo:hi]
		for i := range table {
			a := &table[i]
			if !a.droppable || a.replident {
				continue
			}
			var best candidate
			for j := range table {
				b := &table[j]
				if j == i {
					continue
				}
				c, ok := keeps(a, b)
				if ok && (best.keep == nil || better(c, best)) {
					best = c
				}
			}
			if best.keep != nil && !a.backing {
				out = append(out, best)
			}
		}
		lo = hi
	}
	return out
}

// better orders the keepers of one index: compared first, then the widest (most key
// columns, most INCLUDE columns, unique), then one a constraint needs, the clustered one,
// the lowest OID.
func better(x, y candidate) bool {
	k, b := x.keep, y.keep
	if c := cmp.Or(
		-cmpBool(x.compared, y.compared),
		-cmp.Compare(len(k.keys), len(b.keys)),
		-cmp.Compare(len(k.incl), len(b.incl)),
		-cmpBool(k.uniq, b.uniq),
		-cmpBool(k.protected(), b.protected()),
		-cmpBool(k.clustered, b.clustered),
		cmp.Compare(k.oid, b.oid)); c != 0 {
		return c < 0
	}
	return false
}

func cmpBool(x, y bool) int {
	switch {
	case x == y:
		return 0
	case x:
		return 1
	}
	return -1
}

// keeps says whether b can replace a, and by which rule.
func keeps(a, b *peer) (candidate, bool) {
	c := candidate{drop: a, keep: b}
	// peers only: b starts with a's first column and operator class (GIN: any GIN index)
	if a.method != "gin" && (b.keys[0] != a.keys[0] || b.opc[0] != a.opc[0]) {
		return c, false
	}
	c.rule = rule(a, b)
	if c.rule == "" || !subset(a.incl, b.keys, b.incl) || a.hasPred != b.hasPred {
		return c, false
	}
	// a unique index is only replaced by one enforcing the same uniqueness
	if a.uniq && !(b.uniq && len(a.keys) == len(b.keys) && a.immediate == b.immediate && a.nnd == b.nnd) {
		return c, false
	}
	if a.tableLocked {
		// what needs pg_get_expr is not compared; the table is named instead
		c.compared = !a.hasPred && !b.hasPred && !a.hasExprs
	} else {
		c.compared = true
		if !eqText(a.pred, b.pred) {
			return c, false
		}
		if a.hasExprs && (a.exprs == nil || b.exprs == nil || *a.exprs != *b.exprs) {
			return c, false
		}
	}
	sameIncl := subset(a.incl, b.incl) && subset(b.incl, a.incl)
	c.duplicate = c.rule == "same-keys" && sameIncl && a.uniq == b.uniq
	// of two indexes that serve each other (GIN: the same columns in another order), one
	// is kept: the one a constraint needs, else the clustered one, else the older
	equivalent := len(a.keys) == len(b.keys) && sameIncl && a.uniq == b.uniq &&
		((slices.Equal(a.keys, b.keys) && slices.Equal(a.opc, b.opc) && slices.Equal(a.coll, b.coll)) || plainColumnsIn(b, a))
	if equivalent && !b.protected() && !(b.clustered && !a.clustered) && !(b.clustered == a.clustered && b.oid < a.oid) {
		return c, false
	}
	return c, true
}

// rule is the rule by which b serves every use of a, or "". Key columns, operator
// classes, collations and ordering are compared as numbers. An operator class belongs to
// one access method, so equal classes mean the same method.
func rule(a, b *peer) string {
	na, nb := len(a.keys), len(b.keys)
	switch {
	case na == nb && slices.Equal(a.keys, b.keys) && slices.Equal(a.opc, b.opc) && slices.Equal(a.coll, b.coll) &&
		slices.Equal(a.opt, b.opt) && (a.method != "options" || eqOptions(a.reloptions, b.reloptions)):
		return "same-keys"
	// a btree or GiST index serves a search on its leading columns
	case na < nb && slices.Equal(a.keys, b.keys[:na]) && slices.Equal(a.opc, b.opc[:na]) &&
		slices.Equal(a.coll, b.coll[:na]) && slices.Equal(a.opt, b.opt[:na]) && (a.method == "btree" || a.method == "gist"):
		if a.method == "btree" {
			return "btree-prefix"
		}
		return "gist-prefix"
	// a GIN index serves a search on any subset of its columns: each plain column of a,
	// with its operator class and collation, is one of b's, and a's expression columns
	// (compared as text in keeps) have b's classes and collations in order
	case na <= nb && a.method == "gin" && plainColumnsIn(a, b) &&
		(!a.hasExprs || (slices.Equal(exprColumns(a, a.opc), exprColumns(b, b.opc)) &&
			slices.Equal(exprColumns(a, a.coll), exprColumns(b, b.coll)))):
		return "gin-subset"
	}
	return ""
}

// plainColumnsIn: every plain key column of x is a key column of y with the same
// operator class and collation.
func plainColumnsIn(x, y *peer) bool {
	for i, k := range x.keys {
		if k == 0 {
			continue
		}
		found := false
		for j, l := range y.keys {
			if l == k && y.opc[j] == x.opc[i] && y.coll[j] == x.coll[i] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// exprColumns is v (x's operator classes or collations) at x's expression columns, in order.
func exprColumns(x *peer, v []uint32) []uint32 {
	var out []uint32
	for i, k := range x.keys {
		if k == 0 {
			out = append(out, v[i])
		}
	}
	return out
}

// subset: every element of x is in one of ys (SQL's <@, ignoring order and repeats).
func subset(x []int16, ys ...[]int16) bool {
	for _, v := range x {
		found := false
		for _, y := range ys {
			if slices.Contains(y, v) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// eqText is SQL's IS NOT DISTINCT FROM.
func eqText(x, y *string) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return *x == *y
}

func eqOptions(x, y *[]string) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return slices.Equal(*x, *y)
}
