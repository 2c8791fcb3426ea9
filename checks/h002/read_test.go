package h002

import (
	"reflect"
	"testing"
)

// testCatalog: plain indexes 10-14 on table 1, a partitioned index 20 over a partitioned
// 21 over leaves 22 and 23, a partitioned index 30 without leaves, an
// index 50 backing a constraint of its table, an invalid index 60.
func testCatalog() *catalog {
	ix := func(table uint32, scans int64, keys ...int16) *indexRow {
		return &indexRow{table: table, valid: true, notPartial: true, keys: keys, keyAtts: int16(len(keys)), scans: scans}
	}
	cat := &catalog{
		index: map[uint32]*indexRow{
			10: ix(1, 0, 2), 11: ix(1, 0, 3, 2), 12: ix(1, 5, 4), 13: ix(1, 0, 4, 5), 14: ix(1, 0, 2),
			20: ix(2, 0, 1), 21: ix(3, 0, 1), 22: ix(4, 0, 1), 23: ix(5, 0, 1),
			30: ix(6, 0, 1), 50: ix(8, 0, 1), 60: ix(1, 0, 7),
		},
		class: map[uint32]classRow{
			10: {pages: 100}, 11: {pages: 300}, 12: {pages: 200}, 13: {pages: 100}, 14: {pages: 1},
			20: {partitioned: true}, 21: {partitioned: true, partition: true},
			22: {partition: true, pages: 150}, 23: {partition: true, pages: 50},
			30: {partitioned: true}, 50: {pages: 999}, 60: {pages: 999},
		},
		children: map[uint32][]uint32{20: {21}, 21: {22, 23}},
		backed:   map[[2]uint32]bool{{8, 50}: true},
		fks:      map[uint32][][]int16{1: {{2, 3}, {2}}},
	}
	cat.index[14].notPartial = false
	cat.index[60].valid = false
	cat.index[22].scans = 0
	return cat
}

func TestPick(t *testing.T) {
	cat := testCatalog()
	p := cat.pick(limits{topN: 2, minSize: 50 * 8192, rareMin: 200 * 8192, blockB: 8192})
	oids := func(us []unit) []uint32 {
		var out []uint32
		for _, u := range us {
			out = append(out, u.oid)
		}
		return out
	}
	// largest first: 11 (300 pages), 20 (150 + 50 over its partitions), then 10 and 13
	// (100 each, lower oid first); 12 has scans, 50 and 60 are never judged
	if got := oids(p.unused); !reflect.DeepEqual(got, []uint32{11, 20}) {
		t.Errorf("unused %v", got)
	}
	if got := oids(p.large); !reflect.DeepEqual(got, []uint32{11, 12}) {
		t.Errorf("large %v", got)
	}
	// large: 11, then 12 and 20 (200 pages each); unlisted unused: 10 (supports the foreign key (2)), 13 (100 pages, no key on (4,5)),
	// 14 (partial: no foreign key; 1 page: small)
	if p.total != 5 || p.unlistedFK != 1 || p.unlistedBig != 1 || p.largeTotal != 3 || p.unjudged != 1 {
		t.Errorf("totals %+v", p)
	}
	if u := p.unused[1]; u.pages != 200 || u.partitions != 2 || u.scans != 0 {
		t.Errorf("partitioned unit %+v", u)
	}
	cat.index[23].scans = 3
	if p := cat.pick(limits{topN: 5, blockB: 8192, rareMin: 1 << 40}); !reflect.DeepEqual(oids(p.unused), []uint32{11, 10, 13, 14}) {
		t.Errorf("with a scanned partition: %v", oids(p.unused))
	}
}

func TestSupportsFK(t *testing.T) {
	cat := &catalog{fks: map[uint32][][]int16{1: {{2, 3}}, 2: {{4}}}}
	for _, c := range []struct {
		ix   indexRow
		want bool
	}{
		{indexRow{table: 1, notPartial: true, keys: []int16{3, 2}, keyAtts: 2}, true},
		{indexRow{table: 1, notPartial: true, keys: []int16{3, 2, 9}, keyAtts: 3}, true},
		{indexRow{table: 1, notPartial: true, keys: []int16{3, 9, 2}, keyAtts: 3}, false},
		{indexRow{table: 1, notPartial: true, keys: []int16{3, 2}, keyAtts: 1}, false}, // 2 is INCLUDEd
		{indexRow{table: 1, notPartial: false, keys: []int16{2, 3}, keyAtts: 2}, false},
		{indexRow{table: 2, notPartial: true, keys: []int16{0, 4}, keyAtts: 2}, false}, // expression first
		{indexRow{table: 2, notPartial: true, keys: []int16{4, 0}, keyAtts: 2}, true},
	} {
		if got := cat.supportsFK(&c.ix); got != c.want {
			t.Errorf("%+v: %v, want %v", c.ix, got, c.want)
		}
	}
}
