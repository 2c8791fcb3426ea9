package l003

import (
	"context"
	_ "embed"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/setup"
)

//go:embed l003_helpers.sql
var helpersQuery string

// throughHelpers reads, for a role that is not a superuser, the positions of the
// sequences it may not read, from the setup helpers when they are there and trusted, in
// batches as readPositions does. It says what it did (or why not); nil when every
// sequence was readable.
func throughHelpers(ctx context.Context, t *checks.Target, cols []candidate, batch int) (*checks.HelperUse, int, error) {
	var seqs []uint32
	for _, x := range cols {
		if !x.visible && !x.unreadable {
			seqs = append(seqs, x.seq)
		}
	}
	if len(seqs) == 0 || t.Node.Superuser {
		return nil, 0, nil
	}
	st, err := checks.Helpers(ctx, t.DB, "L003")
	if err != nil {
		return nil, 0, err
	}
	if !st.Usable {
		return st.NotUsed(), 0, nil
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
		err := checks.ScanAll(ctx, t.DB, helpersQuery, []any{chunk}, func(rows pgx.Rows) error {
			var seq uint32
			var p position
			if err := rows.Scan(&seq, &p.locked, &p.last); err != nil {
				return err
			}
			got[seq] = p
			return nil
		})
		if err != nil {
			return nil, n, fmt.Errorf("read sequence positions through the helpers: %w", err)
		}
	}
	for i := range cols {
		x := &cols[i]
		if p, ok := got[x.seq]; ok && !x.visible && !x.unreadable {
			x.visible, x.read, x.locked, x.LastValue = true, true, p.locked, p.last
		}
	}
	return &checks.HelperUse{Used: true, Version: setup.Version,
		Note: checks.Text(fmt.Sprintf("the positions of %d sequence(s) the role may not read were read through the pgcheckup helpers", len(got)))}, n, nil
}

// helperProblem is why helpers that were found were not used, or "".
func helperProblem(d Data) string {
	if h := d.Helpers; h != nil && !h.Used && h.Note != "pgcheckup helpers not installed" {
		return string(h.Note)
	}
	return ""
}
