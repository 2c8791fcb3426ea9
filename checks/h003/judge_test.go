package h003

import (
	"slices"
	"testing"
)

// The operator classes of the test catalog: 1 int4 btree, 2 text btree; 99 is an
// operator class of no usable access method (absent from serves). Operator 10 is the
// int4 equality, 20 the text one.
func testCatalog(keys []fkRow, indexes map[uint32][]index) *catalog {
	return &catalog{keys: keys, indexes: indexes,
		serves: map[uint32]map[uint32]bool{1: {10: true}, 2: {20: true}},
		colls:  map[attr]uint32{}}
}

func fk(oid, parent, rel uint32, key ...int16) fkRow {
	ops := make([]uint32, len(key))
	for i := range ops {
		ops[i] = 10
	}
	return fkRow{oid: oid, parent: parent, rel: rel, key: key, pfeqop: ops, enforced: true}
}

func idx(classes []uint32, key ...int16) index {
	return index{nkey: int16(len(key)), key: key, class: classes, coll: make([]uint32, len(key))}
}

func TestSupported(t *testing.T) {
	int4 := func(n int) []uint32 {
		c := make([]uint32, n)
		for i := range c {
			c[i] = 1
		}
		return c
	}
	cases := []struct {
		name string
		key  fkRow
		idx  []index
		want bool
	}{
		{"no index", fk(1, 0, 100, 1), nil, false},
		{"leading column", fk(1, 0, 100, 1), []index{idx(int4(2), 1, 2)}, true},
		{"second column only", fk(1, 0, 100, 1), []index{idx(int4(2), 2, 1)}, false},
		{"two columns swapped", fk(1, 0, 100, 1, 2), []index{idx(int4(2), 2, 1)}, true},
		{"gap", fk(1, 0, 100, 1, 3), []index{idx(int4(3), 1, 2, 3)}, false},
		{"include column does not count", fk(1, 0, 100, 1, 2), []index{{nkey: 1, key: []int16{1, 2}, class: int4(1), coll: []uint32{0}}}, false},
		{"unusable access method", fk(1, 0, 100, 1), []index{idx([]uint32{99}, 1)}, false},
		{"operator not in the family", fk(1, 0, 100, 1), []index{idx([]uint32{2}, 1)}, false},
		{"other table's index", fk(1, 0, 100, 1), nil, false},
	}
	for _, tc := range cases {
		c := testCatalog([]fkRow{tc.key}, map[uint32][]index{100: tc.idx, 200: {idx(int4(1), 1)}})
		if got := supported(c, leaf{fk: tc.key}); got != tc.want {
			t.Errorf("%s: supported = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestCollation: a text column's index serves the key only with the column's collation,
// which judge asks for (and only for such columns).
func TestCollation(t *testing.T) {
	k := fkRow{oid: 1, rel: 100, key: []int16{1}, pfeqop: []uint32{20}, enforced: true}
	ix := index{nkey: 1, key: []int16{1}, class: []uint32{2}, coll: []uint32{950}} // COLLATE "C"
	c := testCatalog([]fkRow{k}, map[uint32][]index{100: {ix}})
	ls := leaves(c)
	if need := collationsNeeded(c, ls); !slices.Equal(need, []attr{{100, 1}}) {
		t.Fatalf("collations needed = %v, want the one text column", need)
	}
	c.colls[attr{100, 1}] = 100 // the column's collation is the default one
	if supported(c, ls[1][0]) {
		t.Error("an index with another collation supports the key")
	}
	c.colls[attr{100, 1}] = 950
	if !supported(c, ls[1][0]) {
		t.Error("an index with the column's collation does not support the key")
	}
}

// TestTemporal: a temporal key is served by an index on its equality columns alone.
func TestTemporal(t *testing.T) {
	k := fk(1, 0, 100, 1, 2)
	k.period = true
	c := testCatalog([]fkRow{k}, map[uint32][]index{100: {idx([]uint32{1}, 1)}})
	if !supported(c, leaves(c)[1][0]) {
		t.Error("temporal key with an index on its equality column: unsupported")
	}
	k.period = false
	c = testCatalog([]fkRow{k}, map[uint32][]index{100: {idx([]uint32{1}, 1)}})
	if supported(c, leaves(c)[1][0]) {
		t.Error("plain two-column key supported by an index on one column")
	}
}

// TestJudgePartitions: a partitioned table's key is judged by the clones on its
// partitions (their own column numbers), reported with all of them when one lacks the
// index; a clone on the same table (for a partitioned referenced table) is left out, and
// so is a NOT ENFORCED key.
func TestJudgePartitions(t *testing.T) {
	root := fk(1, 0, 100, 1)
	root.partitioned = true
	p1, p2 := fk(2, 1, 101, 1), fk(3, 1, 102, 2)
	sub := fk(4, 1, 100, 1) // same table as the root: repeats it
	loose := fk(5, 0, 103, 1)
	loose.enforced = false
	plain := fk(6, 0, 104, 1)
	c := testCatalog([]fkRow{root, p1, p2, sub, loose, plain}, map[uint32][]index{
		101: {idx([]uint32{1}, 1)}, 102: {idx([]uint32{1}, 1)}, 104: {idx([]uint32{1}, 1)}})
	ls := leaves(c)
	if _, ok := ls[5]; ok {
		t.Error("NOT ENFORCED key judged")
	}
	got := judge(c, ls)
	want := []judgedRow{{root: 1, rel: 101, partition: true, supported: true}, {root: 1, rel: 102, partition: true, supported: false}}
	slices.SortFunc(got, func(a, b judgedRow) int { return int(a.rel) - int(b.rel) })
	if !slices.Equal(got, want) {
		t.Errorf("judge = %+v, want %+v", got, want)
	}
}
