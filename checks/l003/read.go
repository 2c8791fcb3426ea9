package l003

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/pgcheckup/pgcheckup/checks"
)

// candidate is one column as read, with what the listing does not show.
type candidate struct {
	Column
	seq        uint32
	relid      uint32
	attnum     int16
	int2       bool
	visible    bool
	unreadable bool // unlogged sequence on a standby
	read       bool // its batch returned it
	locked     bool
}

// readColumns lists every sequence-fed int2/int4 column once (a serial column is found
// twice: through OWNED BY and through its DEFAULT).
func readColumns(ctx context.Context, db checks.Querier) ([]candidate, error) {
	rows, err := db.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("read sequence-fed columns: %w", err)
	}
	defer rows.Close()
	type key struct {
		seq, relid uint32
		attnum     int16
	}
	seen := map[key]bool{}
	var out []candidate
	for rows.Next() {
		var x candidate
		if err := rows.Scan(&x.seq, &x.relid, &x.attnum, &x.Schema, &x.Table, &x.Column.Column, &x.Type, &x.Identity, &x.Rows,
			&x.SeqSchema, &x.Sequence, &x.SeqType, &x.Increment, &x.SeqMin, &x.SeqMax, &x.Cycle, &x.int2,
			&x.visible, &x.unreadable); err != nil {
			return nil, fmt.Errorf("read sequence-fed columns: %w", err)
		}
		if k := (key{x.seq, x.relid, x.attnum}); !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sequence-fed columns: %w", err)
	}
	return out, nil
}

// readPositions reads the last_value of every readable sequence, batch sequences per
// statement in oid order, and returns how many statements it sent. Each statement runs
// in its own transaction, so the locks a read takes are released batch by batch.
func readPositions(ctx context.Context, db checks.Querier, cols []candidate, batch int) (int, error) {
	var seqs []uint32
	for _, x := range cols {
		if x.visible && !x.unreadable {
			seqs = append(seqs, x.seq)
		}
	}
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	type position struct {
		locked bool
		last   *int64
	}
	got := make(map[uint32]position, len(seqs))
	n := 0
	for chunk := range slices.Chunk(seqs, batch) {
		n++
		rows, err := db.Query(ctx, readQuery, chunk)
		if err != nil {
			return n, fmt.Errorf("read sequence positions: %w", err)
		}
		for rows.Next() {
			var seq uint32
			var p position
			if err := rows.Scan(&seq, &p.locked, &p.last); err != nil {
				rows.Close()
				return n, fmt.Errorf("read sequence positions: %w", err)
			}
			got[seq] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, fmt.Errorf("read sequence positions: %w", err)
		}
	}
	for i := range cols {
		if p, ok := got[cols[i].seq]; ok && cols[i].visible && !cols[i].unreadable {
			cols[i].read, cols[i].locked, cols[i].LastValue = true, p.locked, p.last
		}
	}
	return n, nil
}

// summarize judges every column, counts them, and keeps the top_n fullest for the
// listing. It is pure: all it needs was read before.
func summarize(cols []candidate, cfg Config, user string) Data {
	d := Data{Columns: []Column{}, SchemaGrants: []checks.Definition{}, Locked: []Sequence{}, TopN: cfg.TopN,
		BatchSize: cfg.BatchSize, Total: len(cols), User: checks.Name(user)}
	grants := map[string]bool{}
	locked := map[Sequence]bool{}
	seqs := map[uint32]bool{}
	for i := range cols {
		x := &cols[i]
		x.State = state(x.visible, x.read, x.LastValue != nil)
		if x.locked && x.visible {
			x.State, x.LastValue = StateLocked, nil
		}
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
			p := usedPct(x)
			x.UsedPct = &p
			switch {
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

// fuller orders the fullest first, then the columns whose capacity is unknown because
// the role may not read them, then by rows.
func fuller(a, b candidate) int {
	pct := func(x candidate) float64 {
		if x.UsedPct == nil {
			return 0
		}
		return *x.UsedPct
	}
	flag := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	return cmp.Or(cmp.Compare(flag(b.UsedPct != nil), flag(a.UsedPct != nil)), cmp.Compare(pct(b), pct(a)),
		cmp.Compare(flag(b.visible), flag(a.visible)), cmp.Compare(b.Rows, a.Rows),
		cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Table, b.Table), cmp.Compare(a.Column.Column, b.Column.Column))
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
