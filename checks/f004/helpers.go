package f004

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/setup"
)

//go:embed f004_helpers.sql
var helpersQuery string

// hidden lists the tables whose statistics pg_stats hid from the role.
func hidden(rows []relRow) []uint32 {
	var out []uint32
	for _, r := range rows {
		for _, c := range r.Cols {
			if r.RLSHides || (!c.Visible && !c.Dropped && !c.Virtual) {
				out = append(out, r.OID)
				break
			}
		}
	}
	return out
}

// throughHelpers fills in, for a role that is not a superuser, the statistics pg_stats
// hid, from the setup helpers when they are there and trusted. It says what it did (or
// why not) in the returned HelperUse; nil when nothing was hidden.
func throughHelpers(ctx context.Context, t *checks.Target, rows []relRow) (*checks.HelperUse, error) {
	oids := hidden(rows)
	if len(oids) == 0 || t.Node.Superuser {
		return nil, nil
	}
	st, err := checks.Helpers(ctx, t.DB, "F004")
	if err != nil {
		return nil, err
	}
	if !st.Usable {
		return st.NotUsed(), nil
	}
	type key struct {
		rel  uint32
		attn int
	}
	stats := map[key][2]float64{}
	q, err := t.DB.Query(ctx, helpersQuery, oids)
	if err != nil {
		return nil, fmt.Errorf("read statistics through the helpers: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var k key
		var nf, w float64
		if err := q.Scan(&k.rel, &k.attn, &nf, &w); err != nil {
			return nil, fmt.Errorf("read statistics through the helpers: %w", err)
		}
		stats[k] = [2]float64{nf, w}
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
		r.RLSHides = false
		// Cols are in attnum order from 1, dropped columns included.
		for j := range r.Cols {
			c := &r.Cols[j]
			if c.Dropped || c.Virtual {
				continue
			}
			c.Visible = true
			s, ok := stats[key{r.OID, j + 1}]
			c.HasStats, c.NullFrac, c.Width = ok, s[0], s[1]
		}
	}
	return &checks.HelperUse{Used: true, Version: setup.Version,
		Note: checks.Text(fmt.Sprintf("the statistics of %d table(s) that pg_stats hides from the role were read through the pgcheckup helpers", len(oids)))}, nil
}
