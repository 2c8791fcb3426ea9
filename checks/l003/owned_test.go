package l003

import (
	"slices"
	"testing"
)

func TestOwnedOnly(t *testing.T) {
	owned := map[colKey]bool{
		{relid: 20, attnum: 1}: true,
		{relid: 10, attnum: 3}: true,
		{relid: 10, attnum: 2}: true,
		{relid: 10, attnum: 1}: false, // also fed through its DEFAULT: read by the pass over pg_attribute
	}
	rels, atts := ownedOnly(owned)
	if !slices.Equal(rels, []uint32{10, 10, 20}) || !slices.Equal(atts, []int16{2, 3, 1}) {
		t.Errorf("got %v %v", rels, atts)
	}
	if rels, atts := ownedOnly(map[colKey]bool{{relid: 1, attnum: 1}: false}); len(rels) != 0 || len(atts) != 0 {
		t.Errorf("none owned alone: got %v %v", rels, atts)
	}
}
