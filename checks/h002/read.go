package h002

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
)

// H002 reads pg_index, pg_class, pg_inherits and pg_constraint in one pass each, without
// joins, matches the rows in Go, and then reads names, definitions, sizes and writes for
// the listed indexes only (h002_list.sql). The single statement it replaced probed
// pg_index by oid for every index in pg_class, pg_constraint once or twice per candidate
// and called pg_stat_get_numscans on every index: about 2 s of server time at 50,000
// tables (161,000 indexes). The passes cost what their rows cost (measured at 50,000
// tables: about a third of the statement's time), most of it pg_stat_get_numscans on the
// 58,000 indexes that could be dropped (its first call on an index in a session costs
// about 9 us), and their plans cannot turn bad when the catalog statistics are stale. A
// join rewritten so that only a hash or merge join could serve it was no faster (it
// sorted 161,000 pg_class rows, and its bad row estimate switched JIT on).
//
// The passes are separate statements, so a concurrent CREATE or DROP INDEX may fall
// between them; what one pass lacks is left out (never looked up by a missing key).

// indexRow is an index from pg_index that could be dropped on its own.
type indexRow struct {
	table      uint32
	valid      bool
	notPartial bool
	keys       []int16 // indkey: attribute numbers, 0 for an expression
	keyAtts    int16   // indnkeyatts
	scans      int64
}

// classRow is an index from pg_class (not one in a system schema: those are not judged).
type classRow struct {
	partitioned bool // relkind 'I'
	partition   bool // relispartition
	pages       int64
}

// catalog is what the passes read, restricted to what H002 can match.
type catalog struct {
	index    map[uint32]*indexRow
	class    map[uint32]classRow
	children map[uint32][]uint32 // partitions of each index, from pg_inherits
	backed   map[[2]uint32]bool  // (table, index) of constraints backed by an index
	fks      map[uint32][][]int16
}

// unit is what can be dropped on its own: an index that is not a partition of another,
// with the scans and pages of all its partitions when it is partitioned.
type unit struct {
	oid        uint32
	pages      int64
	scans      int64
	partitions int
	ix         *indexRow
}

// limits are the thresholds the picking uses.
type limits struct {
	topN                     int
	minSize, rareMin, blockB int64
}

// picked are the listed units and the totals over all of them.
type picked struct {
	unused, large                  []unit
	total, unlistedFK, unlistedBig int
	largeTotal, unjudged           int
}

// readCatalog runs the four passes.
func readCatalog(ctx context.Context, db checks.Querier) (*catalog, error) {
	cat := &catalog{index: map[uint32]*indexRow{}, class: map[uint32]classRow{}, children: map[uint32][]uint32{},
		backed: map[[2]uint32]bool{}, fks: map[uint32][][]int16{}}
	tables := map[uint32]bool{}
	err := checks.ScanAll(ctx, db, indexesQuery, nil, func(rows pgx.Rows) error {
		var oid uint32
		var x indexRow
		if err := rows.Scan(&oid, &x.table, &x.valid, &x.notPartial, &x.keys, &x.keyAtts, &x.scans); err != nil {
			return err
		}
		cat.index[oid] = &x
		tables[x.table] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	err = checks.ScanAll(ctx, db, classesQuery, nil, func(rows pgx.Rows) error {
		var oid uint32
		var x classRow
		if err := rows.Scan(&oid, &x.partitioned, &x.partition, &x.pages); err != nil {
			return err
		}
		if cat.index[oid] != nil {
			cat.class[oid] = x
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read index relations: %w", err)
	}
	err = checks.ScanAll(ctx, db, inheritsQuery, nil, func(rows pgx.Rows) error {
		var child, parent uint32
		if err := rows.Scan(&child, &parent); err != nil {
			return err
		}
		if cat.class[parent].partitioned {
			cat.children[parent] = append(cat.children[parent], child)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read partitions: %w", err)
	}
	err = checks.ScanAll(ctx, db, constraintsQuery, nil, func(rows pgx.Rows) error {
		var table, index uint32
		var fk []int16
		if err := rows.Scan(&table, &index, &fk); err != nil {
			return err
		}
		if cat.index[index] != nil {
			cat.backed[[2]uint32{table, index}] = true
		}
		if fk != nil && tables[table] {
			cat.fks[table] = append(cat.fks[table], fk)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read constraints: %w", err)
	}
	return cat, nil
}

// tree is every index below root in pg_inherits, root first.
func (cat *catalog) tree(root uint32) []uint32 {
	out := []uint32{root}
	seen := map[uint32]bool{root: true}
	for i := 0; i < len(out); i++ {
		for _, c := range cat.children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// leaf reports whether oid is an index with storage (relkind 'i').
func (cat *catalog) leaf(oid uint32) bool {
	c, ok := cat.class[oid]
	return ok && !c.partitioned
}

// units lists every unit, and counts the partitioned indexes without an index with storage
// below them (nothing can scan them, so they are not judged).
func (cat *catalog) units() (out []unit, unjudged int) {
	for oid, c := range cat.class {
		ix := cat.index[oid]
		// a constraint's index cannot be dropped on its own
		if c.partition || cat.backed[[2]uint32{ix.table, oid}] {
			continue
		}
		if !c.partitioned {
			if ix.valid {
				out = append(out, unit{oid: oid, pages: c.pages, scans: ix.scans, ix: ix})
			}
			continue
		}
		u := unit{oid: oid, ix: ix}
		for _, m := range cat.tree(oid) {
			if cat.leaf(m) {
				u.pages += cat.class[m].pages
				u.scans += cat.index[m].scans
				u.partitions++
			}
		}
		switch {
		case u.partitions == 0:
			unjudged++
		case ix.valid:
			out = append(out, u)
		}
	}
	return out, unjudged
}

// supportsFK: the index's leading columns are exactly some foreign key's columns of its
// table, in any order (an expression column is 0); a partial index does not count.
func (cat *catalog) supportsFK(ix *indexRow) bool {
	if !ix.notPartial {
		return false
	}
	for _, fk := range cat.fks[ix.table] {
		if len(fk) == 0 || len(fk) > int(ix.keyAtts) || len(fk) > len(ix.keys) {
			continue
		}
		a, b := slices.Clone(ix.keys[:len(fk)]), slices.Clone(fk)
		slices.Sort(a)
		slices.Sort(b)
		if slices.Equal(a, b) {
			return true
		}
	}
	return false
}

// pick ranks the unused units (no scans) and the large ones (at least rareMin bytes by
// relpages, scanned or not), largest first, and counts the unlisted unused ones by the
// finding they would make: supporting a foreign key, at least minSize, or smaller.
func (cat *catalog) pick(l limits) picked {
	all, unjudged := cat.units()
	p := picked{unjudged: unjudged}
	slices.SortFunc(all, func(a, b unit) int {
		return cmp.Or(cmp.Compare(b.pages, a.pages), cmp.Compare(a.oid, b.oid))
	})
	var rest []unit
	for _, u := range all {
		large := u.pages*l.blockB >= l.rareMin
		if large {
			p.largeTotal++
			if len(p.large) < l.topN {
				p.large = append(p.large, u)
			}
		}
		if u.scans != 0 {
			continue
		}
		p.total++
		if len(p.unused) < l.topN {
			p.unused = append(p.unused, u)
		} else {
			rest = append(rest, u)
		}
	}
	for _, u := range rest {
		switch {
		case cat.supportsFK(u.ix):
			p.unlistedFK++
		case u.pages*l.blockB >= l.minSize:
			p.unlistedBig++
		}
	}
	return p
}

// listed reads names, definitions, sizes and writes of the picked units into d, in
// their order.
func (c *Check) listed(ctx context.Context, db checks.Querier, cat *catalog, p picked, d *Data) error {
	var oids []uint32
	var parts []int32
	var roots, members, tabs []uint32
	seen := map[uint32]bool{}
	for _, u := range append(slices.Clone(p.unused), p.large...) {
		if seen[u.oid] {
			continue
		}
		seen[u.oid] = true
		oids, parts = append(oids, u.oid), append(parts, int32(u.partitions))
		if u.partitions == 0 {
			continue
		}
		for _, m := range cat.tree(u.oid) {
			var tab uint32
			if cat.leaf(m) {
				tab = cat.index[m].table
			}
			roots, members, tabs = append(roots, u.oid), append(members, m), append(tabs, tab)
		}
	}
	if len(oids) == 0 {
		return nil
	}
	got := map[uint32]Index{}
	err := checks.ScanAll(ctx, db, listQuery, []any{oids, parts, roots, members, tabs}, func(rows pgx.Rows) error {
		var ix Index
		var def *checks.Definition
		var locked, tableLocked *bool
		var writes *int64
		if err := rows.Scan(&ix.oid, &ix.Schema, &ix.Name, &ix.Table, &ix.Ident, &writes, &ix.SizeBytes,
			&locked, &tableLocked, &ix.Expressions, &ix.Partial, &def, &ix.SupportsFKs); err != nil {
			return err
		}
		ix.Locked, ix.TableLocked, ix.Writes = val(locked), val(tableLocked), val(writes)
		if def != nil {
			ix.Definition = *def
		}
		if ix.SupportsFKs == nil {
			ix.SupportsFKs = []checks.Name{}
		}
		got[ix.oid] = ix
		return nil
	})
	if err != nil {
		return fmt.Errorf("read unused indexes: %w", err)
	}
	// An index dropped since the passes is not listed.
	add := func(to []Index, us []unit) []Index {
		for _, u := range us {
			if ix, ok := got[u.oid]; ok {
				ix.RelPages, ix.IdxScan, ix.Partitions = u.pages, u.scans, u.partitions
				to = append(to, ix)
			}
		}
		return to
	}
	d.Indexes, d.Large = add(d.Indexes, p.unused), add(d.Large, p.large)
	return nil
}
