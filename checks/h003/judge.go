package h003

import (
	"cmp"
	"slices"
)

// fkRow is one row of pg_constraint with contype 'f': a foreign key, or a clone of one on
// a partition (parent is then the constraint it was cloned from).
type fkRow struct {
	oid, parent, rel uint32
	key              []int16  // conkey
	pfeqop           []uint32 // conpfeqop, one per key column
	partitioned      bool     // its table is partitioned: judged by its partitions
	period           bool     // temporal: its last column is a PERIOD (18)
	enforced         bool     // false for NOT ENFORCED (18)
}

// index is one index that may support a foreign key: valid, not partial.
type index struct {
	nkey  int16
	key   []int16  // indkey
	class []uint32 // indclass
	coll  []uint32 // indcollation
}

// attr names a column.
type attr struct {
	rel uint32
	num int16
}

// catalog is what judge reads, from the narrow statements of read.go.
type catalog struct {
	keys    []fkRow
	indexes map[uint32][]index         // by indrelid
	serves  map[uint32]map[uint32]bool // opclass -> operators whose commutator its family holds
	colls   map[attr]uint32            // attcollation of the columns asked for
}

// leaf is one table the RI lookups of a foreign key scan: its own table or, when that is
// partitioned, each partition, judged with the clone's column numbers.
type leaf struct {
	fk     fkRow
	period bool // the root's
}

// judgedRow is one table judged for a foreign key that some table lacks an index for.
type judgedRow struct {
	root, rel            uint32
	partition, supported bool
}

// leaves returns, for every enforced foreign key (root), the tables to judge. A clone
// whose table is its parent's (made for the partitions of a partitioned referenced table)
// repeats the parent and is left out, with its own clones.
func leaves(c *catalog) map[uint32][]leaf {
	children := map[uint32][]fkRow{}
	for _, k := range c.keys {
		if k.parent != 0 {
			children[k.parent] = append(children[k.parent], k)
		}
	}
	out := map[uint32][]leaf{}
	for _, root := range c.keys {
		if root.parent != 0 || !root.enforced {
			continue
		}
		var ls []leaf
		queue := []fkRow{root}
		for len(queue) > 0 {
			k := queue[0]
			queue = queue[1:]
			if !k.partitioned {
				ls = append(ls, leaf{fk: k, period: root.period})
			}
			for _, ch := range children[k.oid] {
				if ch.rel != k.rel {
					queue = append(queue, ch)
				}
			}
		}
		out[root.oid] = ls
	}
	return out
}

// widths are the numbers of leading index columns that must be the key's columns: all
// of them; for a temporal key also only the equality columns (the period is last).
func widths(l leaf) []int {
	n := len(l.fk.key)
	if l.period {
		return []int{n, n - 1}
	}
	return []int{n}
}

// candidate reports whether idx passes the cheap tests for a key of width m: it has m
// key columns or more, and its leading m are the key's leading m in any order.
func candidate(idx index, key []int16, m int) bool {
	if m <= 0 || int(idx.nkey) < m || len(idx.key) < m || len(idx.class) < m || len(idx.coll) < m || m > len(key) {
		return false
	}
	a, b := slices.Clone(idx.key[:m]), slices.Clone(key[:m])
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// collationsNeeded lists the key columns whose collation judge compares: those a
// candidate index sorts with a collation. A column of a type without collations has
// attcollation 0, and so has every index column on it: no lookup.
func collationsNeeded(c *catalog, ls map[uint32][]leaf) []attr {
	seen := map[attr]bool{}
	var out []attr
	for _, root := range ls {
		for _, l := range root {
			for _, idx := range c.indexes[l.fk.rel] {
				if len(idx.key) == 0 || !slices.Contains(l.fk.key, idx.key[0]) {
					continue
				}
				for _, m := range widths(l) {
					if !candidate(idx, l.fk.key, m) {
						continue
					}
					for p := range m {
						a := attr{l.fk.rel, idx.key[p]}
						if idx.coll[p] != 0 && !seen[a] {
							seen[a] = true
							out = append(out, a)
						}
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(x, y attr) int { return cmp.Or(cmp.Compare(x.rel, y.rel), cmp.Compare(x.num, y.num)) })
	return out
}

// supported reports whether some index of the leaf's table serves the RI lookup: valid,
// not partial, btree/hash/GiST, its leading m key columns are the first m key columns in
// any order, and each of them holds the commutator of the key's PK-to-FK operator in its
// operator family, with the column's collation.
func supported(c *catalog, l leaf) bool {
	for _, idx := range c.indexes[l.fk.rel] {
		// cheap, and rules most indexes out: the index leads with one of the key's columns
		if len(idx.key) == 0 || !slices.Contains(l.fk.key, idx.key[0]) {
			continue
		}
		for _, m := range widths(l) {
			if candidate(idx, l.fk.key, m) && columnsServe(c, l, idx, m) {
				return true
			}
		}
	}
	return false
}

func columnsServe(c *catalog, l leaf, idx index, m int) bool {
	for f := range m {
		if f >= len(l.fk.pfeqop) {
			return false
		}
		ok := false
		for p := range m {
			if idx.key[p] != l.fk.key[f] || !c.serves[idx.class[p]][l.fk.pfeqop[f]] {
				continue
			}
			want := uint32(0)
			if idx.coll[p] != 0 {
				got, found := c.colls[attr{l.fk.rel, l.fk.key[f]}]
				if !found {
					continue
				}
				want = got
			}
			if idx.coll[p] == want {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// judge returns the tables of the foreign keys that lack a supporting index somewhere:
// a plain table's key when its table lacks one, a partitioned table's (all its
// partitions, which the listing sums) when any partition does. Sorted by root.
func judge(c *catalog, ls map[uint32][]leaf) []judgedRow {
	var out []judgedRow
	for root, lvs := range ls {
		rows := make([]judgedRow, len(lvs))
		failed := false
		for i, l := range lvs {
			rows[i] = judgedRow{root: root, rel: l.fk.rel, partition: l.fk.oid != root, supported: supported(c, l)}
			failed = failed || !rows[i].supported
		}
		if failed {
			out = append(out, rows...)
		}
	}
	slices.SortStableFunc(out, func(a, b judgedRow) int { return cmp.Compare(a.root, b.root) })
	return out
}
