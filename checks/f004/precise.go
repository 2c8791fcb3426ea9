package f004

import (
	"context"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgstattuple"
)

// measure runs pgstattuple_approx on the candidates. Whatever goes wrong is recorded in
// d.Precise and leaves the estimates as they are: precise mode never fails the check.
func measure(ctx context.Context, t *checks.Target, rows []relRow, d *Data) {
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
		pgstattuple.Fail(&d.Precise, "pgstattuple_approx", err, t.Node.User)
		return
	}
	for i, r := range rows {
		if locked[r.OID] {
			d.Precise.Locked = append(d.Precise.Locked, pgstattuple.Relation{Schema: checks.Name(r.Schema), Name: checks.Name(r.Name)})
		}
		m, ok := got[r.OID]
		if !ok {
			continue
		}
		d.Tables[i].Measured = measured(m, r.Fillfactor, r.BlockSize, d.MinPages)
		d.Precise.Measured++
	}
}

type approx struct {
	tableLen, freeSpace, deadLen int64
	scannedPct                   float64
}

// readMeasurements returns the measured candidates, and those not measured because of a lock.
func readMeasurements(ctx context.Context, db checks.Querier, sql string, oids []uint32) (map[uint32]approx, map[uint32]bool, error) {
	rows, err := db.Query(ctx, sql, oids)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out, locked := map[uint32]approx{}, map[uint32]bool{}
	for rows.Next() {
		var oid uint32
		var isLocked bool
		var a approx
		if err := rows.Scan(&oid, &isLocked, &a.tableLen, &a.scannedPct, &a.freeSpace, &a.deadLen); err != nil {
			return nil, nil, err
		}
		if isLocked {
			locked[oid] = true
			continue
		}
		out[oid] = a
	}
	return out, locked, rows.Err()
}

// measured turns a measurement into bloat on the same scale as the estimate: the share of
// the table a rewrite at the fillfactor would free. Free space and dead rows are the share
// F not holding live rows; a freshly packed table still keeps the fillfactor's reserve R
// free on each page, so the live part would shrink from 1-F of the pages to 1-R of them.
//
// Under minPages the free and dead shares are kept, but no bloat is given: on a table of a
// page or two the free space of one half-empty page reads as "99% bloated".
func measured(a approx, fillfactor, blockSize int, minPages int64) *Measured {
	m := &Measured{TableBytes: a.tableLen, ScannedPct: a.scannedPct}
	if math.IsNaN(m.ScannedPct) { // JSON has no NaN
		m.ScannedPct = 0
	}
	if a.tableLen <= 0 {
		return m
	}
	m.TooSmall = a.tableLen < minPages*int64(blockSize)
	free := float64(a.freeSpace) / float64(a.tableLen)
	dead := float64(a.deadLen) / float64(a.tableLen)
	ff := min(max(fillfactor, 10), 100)
	reserve := float64(blockSize*(100-ff)/100) / float64(blockSize)
	bloat := max(0, 1-(1-free-dead)/(1-reserve))
	m.FreePct, m.DeadPct, m.BloatPct = 100*free, 100*dead, 100*bloat
	m.BloatBytes = int64(bloat * float64(a.tableLen))
	if m.TooSmall {
		m.BloatPct, m.BloatBytes = 0, 0
	}
	return m
}
