package f005

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/setup"
)

//go:embed f005_helpers.sql
var helpersQuery string

// hidden lists the indexes whose statistics pg_stats hid from the role.
func hidden(rows []idxRow) []uint32 {
	var out []uint32
	for _, r := range rows {
		for _, c := range r.Cols {
			if r.RLSHides || !c.Visible {
				out = append(out, r.OID)
				break
			}
		}
	}
	return out
}

// throughHelpers fills in, for a role that is not a superuser, the statistics pg_stats
// hid, from the setup helpers when they are there and trusted. It says what it did (or
// why not); nil when nothing was hidden.
func throughHelpers(ctx context.Context, t *checks.Target, rows []idxRow) (*checks.HelperUse, error) {
	oids := hidden(rows)
	if len(oids) == 0 || t.Node.Superuser {
		return nil, nil
	}
	st, err := checks.Helpers(ctx, t.DB, "F005")
	if err != nil {
		return nil, err
	}
	if !st.Usable {
		return st.NotUsed(), nil
	}
	type key struct {
		idx uint32
		pos int
	}
	stats := map[key][3]float64{}
	q, err := t.DB.Query(ctx, helpersQuery, oids)
	if err != nil {
		return nil, fmt.Errorf("read statistics through the helpers: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var k key
		var s [3]float64
		if err := q.Scan(&k.idx, &k.pos, &s[0], &s[1], &s[2]); err != nil {
			return nil, fmt.Errorf("read statistics through the helpers: %w", err)
		}
		stats[k] = s
	}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("read statistics through the helpers: %w", err)
	}
	want := map[uint32]bool{}
	for _, o := range oids {
		want[o] = true
	}
	for i := range rows {
		r := &rows[i]
		if !want[r.OID] {
			continue
		}
		r.RLSHides, r.LeadDistinct = false, nil
		for j := range r.Cols {
			c := &r.Cols[j]
			s, ok := stats[key{r.OID, j + 1}]
			c.Visible, c.HasStats, c.NullFrac, c.Width, c.CStringWidth = true, ok, s[0], s[1], -1
			if ok && j == 0 {
				r.LeadDistinct = &s[2]
			}
		}
	}
	return &checks.HelperUse{Used: true, Version: setup.Version,
		Note: checks.Text(fmt.Sprintf("the statistics of %d index(es) that pg_stats hides from the role were read through the pgcheckup helpers", len(oids)))}, nil
}
