package f005

import (
	"context"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgstattuple"
)

// measure runs pgstatindex on the candidates. Whatever goes wrong is recorded in
// d.Precise and leaves the estimates as they are: precise mode never fails the check.
func measure(ctx context.Context, t *checks.Target, rows []idxRow, d *Data) {
	schema, ok := pgstattuple.Prepare(ctx, t, extQuery, &d.Precise)
	if !ok {
		return
	}
	if len(rows) == 0 {
		return
	}
	oids := make([]uint32, len(rows))
	for i, r := range rows {
		oids[i] = r.OID
	}
	got, locked, err := readMeasurements(ctx, t.DB, checks.InSchema(preciseQuery, schema), oids)
	if err != nil {
		pgstattuple.Fail(&d.Precise, "pgstatindex", err, t.Node.User)
		return
	}
	for i, r := range rows {
		if locked[r.OID] {
			d.Precise.Locked = append(d.Precise.Locked, pgstattuple.Relation{Schema: checks.Name(r.Schema), Name: checks.Name(r.Index)})
		}
		if m, ok := got[r.OID]; ok {
			d.Indexes[i].Measured = measured(m, r.Fillfactor, r.BlockSize, d.MinPages)
			d.Precise.Measured++
		}
	}
}

type stat struct {
	size, internal, leaf, empty, deleted int64
	density                              float64
}

// readMeasurements returns the measured candidates, and those not measured because of a lock.
func readMeasurements(ctx context.Context, db checks.Querier, sql string, oids []uint32) (map[uint32]stat, map[uint32]bool, error) {
	rows, err := db.Query(ctx, sql, oids)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out, locked := map[uint32]stat{}, map[uint32]bool{}
	for rows.Next() {
		var oid uint32
		var isLocked bool
		var s stat
		if err := rows.Scan(&oid, &isLocked, &s.size, &s.internal, &s.leaf, &s.empty, &s.deleted, &s.density); err != nil {
			return nil, nil, err
		}
		if isLocked {
			locked[oid] = true
			continue
		}
		out[oid] = s
	}
	return out, locked, rows.Err()
}

// measured puts a pgstatindex result on the estimate's scale: REINDEX would pack the
// live leaf entries (leaf pages × avg_leaf_density) to the fillfactor, keep the internal
// pages and the metapage, and drop empty and deleted pages.
//
// Under minPages the page counts and density are kept, but no bloat is given: on an index
// of a few pages the metapage and one half-empty leaf read as a large share.
func measured(s stat, fillfactor, blockSize int, minPages int64) *Measured {
	m := &Measured{IndexBytes: s.size, LeafPages: s.leaf, InternalPages: s.internal, EmptyPages: s.empty,
		DeletedPages: s.deleted, AvgLeafDensity: s.density}
	pages := float64(s.size) / float64(blockSize)
	if pages <= 0 {
		return m
	}
	density := s.density
	if math.IsNaN(density) { // no leaf pages
		density, m.AvgLeafDensity = 0, 0
	}
	ff := float64(min(max(fillfactor, 10), 100))
	need := float64(s.leaf)*density/ff + float64(s.internal) + 1
	bloat := max(0, 1-need/pages)
	m.BloatPct = 100 * bloat
	m.BloatBytes = int64(bloat * float64(s.size))
	if pages < float64(minPages) {
		m.TooSmall, m.BloatPct, m.BloatBytes = true, 0, 0
	}
	return m
}
