package l003

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
)

// candidate is one column as read, with what the listing does not show.
type candidate struct {
	Column
	seq        uint32
	seqNsp     uint32
	relid      uint32
	attnum     int16
	int2       bool
	visible    bool
	unreadable bool // unlogged sequence on a standby
	read       bool // its batch returned it
	locked     bool
}

// seqInfo is one sequence from pg_sequence and pg_class.
type seqInfo struct {
	inc, min, max int64
	cycle         bool
	nsp           uint32
	inClass       bool // in pg_class, not temporary
}

type colKey struct {
	relid  uint32
	attnum int16
}

// readColumns lists every sequence-fed int2/int4 column once (a serial column is found
// twice: through OWNED BY and through its DEFAULT). Each statement reads one catalog
// (pg_sequence, pg_class, pg_depend, pg_attribute) in one pass, without joins, and Go
// matches the rows: the plans cannot turn bad when the catalog statistics are stale, and
// the cost is a few sequential scans instead of several index probes per sequence.
func readColumns(ctx context.Context, db checks.Querier) ([]candidate, error) {
	seqs := map[uint32]*seqInfo{}
	err := checks.ScanAll(ctx, db, query, nil, func(rows pgx.Rows) error {
		var seq uint32
		var x seqInfo
		if err := rows.Scan(&seq, &x.inc, &x.min, &x.max, &x.cycle); err != nil {
			return err
		}
		seqs[seq] = &x
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sequences: %w", err)
	}
	system := map[uint32]bool{}
	err = checks.ScanAll(ctx, db, relsQuery, nil, func(rows pgx.Rows) error {
		var oid, nsp uint32
		var isSeq, isSystem bool
		if err := rows.Scan(&oid, &isSeq, &nsp, &isSystem); err != nil {
			return err
		}
		if x := seqs[oid]; x != nil && isSeq {
			x.inClass, x.nsp = true, nsp
		}
		if isSystem {
			system[oid] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sequence relations: %w", err)
	}
	// the columns each sequence may feed, each (sequence, column) once: nearly every
	// column has one sequence, so a second one goes to more (no slice per column)
	fed, more := map[colKey]uint32{}, map[colKey][]uint32{}
	pairs := 0
	owned := map[colKey]bool{} // true: fed through OWNED BY; false: through a DEFAULT or an identity too
	err = checks.ScanAll(ctx, db, dependQuery, nil, func(rows pgx.Rows) error {
		var seq uint32
		var relid *uint32
		var attnum *int32
		var isOwned bool
		if err := rows.Scan(&seq, &relid, &attnum, &isOwned); err != nil {
			return err
		}
		if x := seqs[seq]; x == nil || !x.inClass || relid == nil || attnum == nil || system[*relid] {
			return nil // an index's column, a temporary sequence, a system table, or dropped meanwhile
		}
		k := colKey{*relid, int16(*attnum)}
		if first, ok := fed[k]; !ok {
			fed[k] = seq
			pairs++
		} else if first != seq && !slices.Contains(more[k], seq) {
			more[k] = append(more[k], seq)
			pairs++
		}
		if was, ok := owned[k]; !ok || was {
			owned[k] = isOwned
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read sequence dependencies: %w", err)
	}
	out := make([]candidate, 0, pairs) // large values: grown once, not doubled
	seen := make(map[colKey]bool, len(fed))
	each := func(rows pgx.Rows) error {
		var k colKey
		var relid uint32
		var attnum int32
		var identity, int2 bool
		if err := rows.Scan(&relid, &attnum, &identity, &int2); err != nil {
			return err
		}
		k = colKey{relid, int16(attnum)}
		first, ok := fed[k]
		if !ok || seen[k] {
			return nil // fed by no sequence, or an owned column that has a DEFAULT after all: listed by both
		}
		seen[k] = true
		add := func(seq uint32) {
			s := seqs[seq]
			x := candidate{seq: seq, seqNsp: s.nsp, relid: relid, attnum: k.attnum, int2: int2, visible: true}
			x.Identity, x.Increment, x.SeqMin, x.SeqMax, x.Cycle = identity, s.inc, s.min, s.max, s.cycle
			x.Type = "integer"
			if int2 {
				x.Type = "smallint"
			}
			out = append(out, x)
		}
		add(first)
		for _, seq := range more[k] {
			add(seq)
		}
		return nil
	}
	if err := checks.ScanAll(ctx, db, columnsQuery, nil, each); err != nil {
		return nil, fmt.Errorf("read sequence-fed columns: %w", err)
	}
	if rels, atts := ownedOnly(owned); len(rels) > 0 {
		if err := checks.ScanAll(ctx, db, ownedQuery, []any{rels, atts}, each); err != nil {
			return nil, fmt.Errorf("read owned columns: %w", err)
		}
	}
	return out, nil
}

// ownedOnly lists the columns fed through OWNED BY alone (no DEFAULT nextval(), no
// identity): they may have no DEFAULT, which the pass over pg_attribute requires, so
// they are probed one by one. Sorted, so that the statement is the same for the same
// catalog.
func ownedOnly(owned map[colKey]bool) ([]uint32, []int16) {
	var keys []colKey
	for k, only := range owned {
		if only {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b colKey) int { return cmp.Or(cmp.Compare(a.relid, b.relid), cmp.Compare(a.attnum, b.attnum)) })
	rels, atts := make([]uint32, len(keys)), make([]int16, len(keys))
	for i, k := range keys {
		rels[i], atts[i] = k.relid, k.attnum
	}
	return rels, atts
}

// readPositions reads the last_value of every sequence, batch sequences per statement in
// oid order, and whether the role may read it; it returns how many statements it sent.
// Each statement runs in its own transaction, so the locks a read takes are released
// batch by batch.
func readPositions(ctx context.Context, db checks.Querier, cols []candidate, batch int) (int, error) {
	var seqs []uint32
	for _, x := range cols {
		seqs = append(seqs, x.seq)
	}
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	type position struct {
		locked, visible, unreadable bool
		last                        *int64
	}
	got := make(map[uint32]position, len(seqs))
	n := 0
	for chunk := range slices.Chunk(seqs, batch) {
		n++
		err := checks.ScanAll(ctx, db, readQuery, []any{chunk}, func(rows pgx.Rows) error {
			var seq uint32
			var p position
			if err := rows.Scan(&seq, &p.locked, &p.visible, &p.unreadable, &p.last); err != nil {
				return err
			}
			got[seq] = p
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("read sequence positions: %w", err)
		}
	}
	for i := range cols {
		x := &cols[i]
		// a sequence the batch did not return was dropped meanwhile: not read
		if p, ok := got[x.seq]; ok {
			x.visible, x.unreadable = p.visible, p.unreadable
			if p.visible && !p.unreadable {
				x.read, x.locked, x.LastValue = true, p.locked, p.last
			}
		}
	}
	return n, nil
}

// nameListed fetches the names and row estimates of the columns the listing may show:
// the top_n fullest, every column tied with the last of them on what ranks before names
// and rows (so the order within the tie is that of fuller), and the locked ones; and the
// names of the schemas of sequences the role may not read. Columns dropped meanwhile
// are left out. cols must have been judged.
func nameListed(ctx context.Context, db checks.Querier, cols []candidate, topN int) ([]candidate, error) {
	var seqs, rels []uint32
	var atts []int16
	for _, i := range toName(cols, topN) {
		seqs, rels, atts = append(seqs, cols[i].seq), append(rels, cols[i].relid), append(atts, cols[i].attnum)
	}
	type named struct {
		schema, table, column, seqSchema, seq, seqType *string
		rows                                           *float64
	}
	names := map[colKey]map[uint32]named{}
	if len(seqs) > 0 {
		err := checks.ScanAll(ctx, db, namesQuery, []any{seqs, rels, atts}, func(rows pgx.Rows) error {
			var seq uint32
			var k colKey
			var attnum int32
			var x named
			if err := rows.Scan(&seq, &k.relid, &attnum, &x.schema, &x.table, &x.rows, &x.column, &x.seqSchema, &x.seq, &x.seqType); err != nil {
				return err
			}
			k.attnum = int16(attnum)
			if names[k] == nil {
				names[k] = map[uint32]named{}
			}
			names[k][seq] = x
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the names of listed columns: %w", err)
		}
	}
	var nsps []uint32
	for _, x := range cols {
		if x.State == StateNotVisible {
			nsps = append(nsps, x.seqNsp)
		}
	}
	slices.Sort(nsps)
	nsps = slices.Compact(nsps)
	schemas := map[uint32]string{}
	if len(nsps) > 0 {
		err := checks.ScanAll(ctx, db, schemasQuery, []any{nsps}, func(rows pgx.Rows) error {
			var oid uint32
			var name string
			if err := rows.Scan(&oid, &name); err != nil {
				return err
			}
			schemas[oid] = name
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read schema names: %w", err)
		}
	}
	out := cols[:0]
	for _, x := range cols {
		if s, ok := schemas[x.seqNsp]; ok && x.State == StateNotVisible {
			x.SeqSchema = checks.Name(s)
		}
		if n, ok := names[colKey{x.relid, x.attnum}][x.seq]; ok {
			if n.schema == nil || n.table == nil || n.column == nil || n.seqSchema == nil || n.seq == nil || n.seqType == nil || n.rows == nil {
				// dropped since it was read
				continue
			}
			x.Schema, x.Table, x.Column.Column, x.Rows = checks.Name(*n.schema), checks.Name(*n.table), checks.Name(*n.column), checks.Estimate(*n.rows)
			x.SeqSchema, x.Sequence, x.SeqType = checks.Name(*n.seqSchema), checks.Name(*n.seq), checks.Text(*n.seqType)
		}
		out = append(out, x)
	}
	return out, nil
}

// toName picks the columns nameListed looks up (see there), as indexes into cols.
func toName(cols []candidate, topN int) []int {
	idx := make([]int, len(cols))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return ranked(cols[a], cols[b]) })
	var out []int
	for n, i := range idx {
		if n < topN || (topN > 0 && ranked(cols[i], cols[idx[topN-1]]) == 0) || cols[i].State == StateLocked {
			out = append(out, i)
		}
	}
	return out
}

// judge sets the state of every column and, where its position was read, the share of
// its range used. Calling it again changes nothing.
func judge(cols []candidate) {
	for i := range cols {
		x := &cols[i]
		x.State = state(x.visible, x.read, x.LastValue != nil)
		if x.locked && x.visible {
			x.State, x.LastValue = StateLocked, nil
		}
		x.UsedPct = nil
		if x.State == StateRead {
			p := usedPct(x)
			x.UsedPct = &p
		}
	}
}

// summarize judges every column, counts them, and keeps the top_n fullest for the
// listing. It is pure: all it needs was read before.
func summarize(cols []candidate, cfg Config, user string) Data {
	d := Data{Columns: []Column{}, SchemaGrants: []checks.Definition{}, Locked: []Sequence{}, TopN: cfg.TopN,
		BatchSize: cfg.BatchSize, Total: len(cols), User: checks.Name(user)}
	grants := map[string]bool{}
	locked := map[Sequence]bool{}
	seqs := map[uint32]bool{}
	judge(cols)
	for i := range cols {
		x := &cols[i]
		switch x.State {
		case StateNotVisible:
			d.NotVisible++
			grants[fmt.Sprintf("GRANT SELECT ON ALL SEQUENCES IN SCHEMA %s TO %s;", checks.QuoteIdent(string(x.SeqSchema)), checks.QuoteIdent(user))] = true
		case StateNotRead:
			d.NotRead++
		case StateUnused:
			d.Unused++
		case StateLocked:
			locked[Sequence{Schema: x.SeqSchema, Name: x.Sequence}] = true
		case StateRead:
			switch p := *x.UsedPct; {
			case p >= cfg.P1Pct:
				d.AtP1++
			case p >= cfg.P2Pct:
				d.AtP2++
			}
		}
		if x.read {
			seqs[x.seq] = true
		}
	}
	d.Sequences = len(seqs)
	slices.SortFunc(cols, fuller)
	for _, x := range cols[:min(len(cols), max(cfg.TopN, 0))] {
		c := x.Column
		c.AlterCol = checks.Definition(fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE bigint;",
			checks.QuoteQualified(string(c.Schema), string(c.Table)), checks.QuoteIdent(string(c.Column))))
		if !c.Identity && c.SeqType != "bigint" {
			c.AlterSeq = checks.Definition(fmt.Sprintf("ALTER SEQUENCE %s AS bigint;", checks.QuoteQualified(string(c.SeqSchema), string(c.Sequence))))
		}
		c.Grant = checks.Definition(fmt.Sprintf("GRANT SELECT ON SEQUENCE %s TO %s;",
			checks.QuoteQualified(string(c.SeqSchema), string(c.Sequence)), checks.QuoteIdent(user)))
		d.Columns = append(d.Columns, c)
	}
	d.Truncated = d.Total > len(d.Columns)
	for g := range grants {
		d.SchemaGrants = append(d.SchemaGrants, checks.Definition(g))
	}
	slices.Sort(d.SchemaGrants)
	for s := range locked {
		d.Locked = append(d.Locked, s)
	}
	slices.SortFunc(d.Locked, func(a, b Sequence) int { return cmp.Or(cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Name, b.Name)) })
	return d
}

// usedPct is the share of the column type's range used, in the sequence's direction,
// from where the sequence may start (its MINVALUE, or the type's minimum if lower).
func usedPct(x *candidate) float64 {
	colMin, colMax := float64(-2147483648), float64(2147483647)
	if x.int2 {
		colMin, colMax = -32768, 32767
	}
	last := float64(*x.LastValue)
	if x.Increment > 0 {
		lo := max(float64(x.SeqMin), colMin)
		return ratio(last-lo, colMax-lo)
	}
	hi := min(float64(x.SeqMax), colMax)
	return ratio(hi-last, hi-colMin)
}

func ratio(used, span float64) float64 {
	if span <= 0 {
		return 100 // the sequence starts at the type's end: any value exhausts it
	}
	return 100 * used / span
}

// ranked orders by what comes before rows and names in fuller: the fullest first, then
// the columns whose capacity is unknown because the role may not read them.
func ranked(a, b candidate) int {
	pct := func(x candidate) float64 {
		if x.UsedPct == nil {
			return 0
		}
		return *x.UsedPct
	}
	return cmp.Or(cmp.Compare(flag(b.UsedPct != nil), flag(a.UsedPct != nil)), cmp.Compare(pct(b), pct(a)),
		cmp.Compare(flag(b.visible), flag(a.visible)))
}

// fuller orders as ranked, then by rows and names.
func fuller(a, b candidate) int {
	return cmp.Or(ranked(a, b), cmp.Compare(b.Rows, a.Rows),
		cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Table, b.Table), cmp.Compare(a.Column.Column, b.Column.Column))
}

func flag(v bool) int {
	if v {
		return 1
	}
	return 0
}

func state(visible, read, hasValue bool) checks.Label {
	switch {
	case !visible:
		return StateNotVisible
	case !read:
		return StateNotRead
	case !hasValue:
		return StateUnused
	}
	return StateRead
}
