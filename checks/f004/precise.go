package f004

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
)

// measure runs pgstattuple_approx on the candidates. Whatever goes wrong is recorded in
// d.Precise and leaves the estimates as they are: precise mode never fails the check.
func measure(ctx context.Context, t *checks.Target, rows []relRow, d *Data) {
	d.Precise.Requested = true
	var schema, version string
	err := t.DB.QueryRow(ctx, extQuery).Scan(&schema, &version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		d.Precise.Problem = "the extension pgstattuple is not installed in this database"
		d.Precise.Hint = checks.Text("Install it as a superuser in database " + t.Node.Database + " with CREATE EXTENSION pgstattuple; then run again with --precise-bloat.")
		return
	case err != nil:
		d.Precise.Problem = checks.Text("cannot tell whether pgstattuple is installed: " + err.Error())
		return
	}
	d.Precise.Schema = checks.Name(schema)
	if schema != "public" {
		d.Precise.Problem = checks.Text("pgstattuple is installed in schema " + schema + "; pgcheckup calls it only as public.pgstattuple_approx, so that no other function of that name can stand in")
		d.Precise.Hint = "Install pgstattuple in schema public (ALTER EXTENSION pgstattuple SET SCHEMA public;) or rely on the estimates."
		return
	}
	if len(rows) == 0 {
		return
	}
	oids := make([]uint32, len(rows))
	for i, r := range rows {
		oids[i] = r.OID
	}
	got, err := readMeasurements(ctx, t.DB, oids)
	if err != nil {
		d.Precise.Problem = checks.Text("pgstattuple_approx failed: " + err.Error())
		d.Precise.Hint = "Check the error; the estimates are unaffected."
		if checks.IsPermissionDenied(err) {
			d.Precise.Hint = checks.Text(fmt.Sprintf("Grant the role the right to call it: GRANT pg_stat_scan_tables TO %s; (or run as a superuser). pgstattuple 1.5 or newer is needed for that (ALTER EXTENSION pgstattuple UPDATE;).", checks.QuoteIdent(t.Node.User)))
		}
		return
	}
	for i, r := range rows {
		m, ok := got[r.OID]
		if !ok {
			continue
		}
		d.Tables[i].Measured = measured(m, r.Fillfactor, r.BlockSize)
		d.Precise.Measured++
	}
}

type approx struct {
	tableLen, freeSpace, deadLen int64
	scannedPct                   float64
}

func readMeasurements(ctx context.Context, db checks.Querier, oids []uint32) (map[uint32]approx, error) {
	rows, err := db.Query(ctx, preciseQuery, oids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint32]approx{}
	for rows.Next() {
		var oid uint32
		var a approx
		if err := rows.Scan(&oid, &a.tableLen, &a.scannedPct, &a.freeSpace, &a.deadLen); err != nil {
			return nil, err
		}
		out[oid] = a
	}
	return out, rows.Err()
}

// measured turns a measurement into bloat on the same scale as the estimate: the share of
// the table a rewrite at the fillfactor would free. Free space and dead rows are the share
// F not holding live rows; a freshly packed table still keeps the fillfactor's reserve R
// free on each page, so the live part would shrink from 1-F of the pages to 1-R of them.
func measured(a approx, fillfactor, blockSize int) *Measured {
	m := &Measured{TableBytes: a.tableLen, ScannedPct: a.scannedPct}
	if math.IsNaN(m.ScannedPct) { // JSON has no NaN
		m.ScannedPct = 0
	}
	if a.tableLen <= 0 {
		return m
	}
	free := float64(a.freeSpace) / float64(a.tableLen)
	dead := float64(a.deadLen) / float64(a.tableLen)
	ff := min(max(fillfactor, 10), 100)
	reserve := float64(blockSize*(100-ff)/100) / float64(blockSize)
	bloat := max(0, 1-(1-free-dead)/(1-reserve))
	m.FreePct, m.DeadPct, m.BloatPct = 100*free, 100*dead, 100*bloat
	m.BloatBytes = int64(bloat * float64(a.tableLen))
	return m
}
