package f002

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/pgcheckup/pgcheckup/checks"
)

// age is one relation's ages as the scan of pg_class reads them, with its effective
// freeze max ages.
type age struct {
	oid, owner    uint32 // owner: the table a TOAST table belongs to, else 0
	xid, mxid     int64
	fma, mxidFMA  int64
	optFMA, optMX *int64 // the relation's own storage parameters
	toast         uint32 // reltoastrelid
}

// readAges reads every relation's ages in one scan, then applies what autovacuum does: a
// TOAST table without its own parameter follows its owner's.
func readAges(ctx context.Context, db checks.Querier, d Data) ([]age, error) {
	rows, err := db.Query(ctx, queryAges)
	if err != nil {
		return nil, fmt.Errorf("read table ages: %w", err)
	}
	defer rows.Close()
	var all []age
	for rows.Next() {
		var a age
		if err := rows.Scan(&a.oid, &a.toast, &a.xid, &a.mxid, &a.optFMA, &a.optMX); err != nil {
			return nil, fmt.Errorf("read table ages: %w", err)
		}
		all = append(all, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table ages: %w", err)
	}
	resolve(all, d.FreezeMaxAge, d.MXIDFreezeMaxAge)
	return all, nil
}

// resolve links TOAST tables to their owners and sets the effective freeze max ages.
func resolve(all []age, setting, mxSetting int64) {
	owners := map[uint32]int{} // TOAST table → index of its owner
	for i, a := range all {
		if a.toast != 0 {
			owners[a.toast] = i
		}
	}
	for i := range all {
		a := &all[i]
		fma, mx := a.optFMA, a.optMX
		if o, ok := owners[a.oid]; ok {
			a.owner = all[o].oid
			fma, mx = cmp.Or(fma, all[o].optFMA), cmp.Or(mx, all[o].optMX)
		}
		a.fma, a.mxidFMA = effective(setting, fma), effective(mxSetting, mx)
	}
}

// countOverdue counts the relations past overdue_percent of their freeze max ages.
func countOverdue(all []age, cfg Config) (xid, mxid int) {
	for _, a := range all {
		if float64(a.xid) > float64(a.fma)*cfg.OverduePercent/100 {
			xid++
		}
		if float64(a.mxid) > float64(a.mxidFMA)*cfg.OverduePercent/100 {
			mxid++
		}
	}
	return xid, mxid
}

// oldest returns the top n by XID age and the top n by multixact age, each once.
func oldest(all []age, n int) []age {
	seen := map[uint32]bool{}
	var out []age
	for _, key := range []func(age) int64{func(a age) int64 { return a.xid }, func(a age) int64 { return a.mxid }} {
		for _, a := range topN(all, n, func(a, b age) int { return cmp.Or(cmp.Compare(key(b), key(a)), cmp.Compare(a.oid, b.oid)) }) {
			if !seen[a.oid] {
				seen[a.oid] = true
				out = append(out, a)
			}
		}
	}
	return out
}

// topN is the first n of all in the order of less, without sorting all of it: at
// 50,000 tables all has 100,000 relations and n is top_n.
func topN(all []age, n int, less func(a, b age) int) []age {
	n = min(len(all), max(n, 0))
	if n == 0 {
		return nil
	}
	top := make([]age, 0, n+1) // kept in order
	for _, a := range all {
		if len(top) == n && less(a, top[n-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(top, a, less)
		top = slices.Insert(top, i, a)
		if len(top) > n {
			top = top[:n]
		}
	}
	return top
}

// readTables names the picked relations and adds their size and last vacuum, oldest first.
func readTables(ctx context.Context, db checks.Querier, picked []age) ([]Table, error) {
	out := []Table{}
	if len(picked) == 0 {
		return out, nil
	}
	oids, owners := make([]uint32, len(picked)), make([]uint32, len(picked))
	byOID := make(map[uint32]age, len(picked))
	for i, a := range picked {
		oids[i], owners[i], byOID[a.oid] = a.oid, a.owner, a
	}
	rows, err := db.Query(ctx, queryTables, oids, owners)
	if err != nil {
		return nil, fmt.Errorf("read table ages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var tb Table
		var toast *string
		if err := rows.Scan(&oid, &tb.Schema, &tb.Name, &toast, &tb.SizeBytes, &tb.Locked, &tb.LastVacuumAgeSec, &tb.VacuumRunning); err != nil {
			return nil, fmt.Errorf("read table ages: %w", err)
		}
		if toast != nil {
			tb.Toast = checks.Name(*toast)
		}
		a := byOID[oid]
		tb.XIDAge, tb.MXIDAge, tb.FreezeMaxAge, tb.MXIDFreezeMaxAge = a.xid, a.mxid, a.fma, a.mxidFMA
		out = append(out, tb)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table ages: %w", err)
	}
	slices.SortFunc(out, func(a, b Table) int {
		return cmp.Or(cmp.Compare(b.XIDAge, a.XIDAge), cmp.Compare(b.MXIDAge, a.MXIDAge),
			cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}
