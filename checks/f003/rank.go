package f003

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/pgcheckup/pgcheckup/checks"
)

// stat is one table's counters as the first statement reads them.
type stat struct {
	oid uint32
	Table
}

// readStats reads the counters of every table with something to report. pgcheckup ranks
// and counts them itself: the server only scans.
func readStats(ctx context.Context, db checks.Querier, d Data) ([]stat, error) {
	rows, err := db.Query(ctx, queryStats)
	if err != nil {
		return nil, fmt.Errorf("read table statistics: %w", err)
	}
	defer rows.Close()
	var out []stat
	for rows.Next() {
		var s stat
		var opts []string
		if err := rows.Scan(&s.oid, &s.LiveTuples, &s.DeadTuples, &s.ModSinceAnalyze, &s.RelTuples, &s.NeverAnalyzed, &opts); err != nil {
			return nil, fmt.Errorf("read table statistics: %w", err)
		}
		applyOptions(&s.Table, d, opts)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table statistics: %w", err)
	}
	return out, nil
}

// readTables completes the picked tables with their names, times and counters, most dead
// tuples first. A table dropped in between is left out.
func readTables(ctx context.Context, db checks.Querier, picked []stat) ([]Table, error) {
	out := []Table{}
	if len(picked) == 0 {
		return out, nil
	}
	byOID := make(map[uint32]Table, len(picked))
	oids := make([]uint32, len(picked))
	for i, s := range picked {
		byOID[s.oid], oids[i] = s.Table, s.oid
	}
	rows, err := db.Query(ctx, queryTables, oids)
	if err != nil {
		return nil, fmt.Errorf("read table statistics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var x Table
		if err := rows.Scan(&oid, &x.Schema, &x.Name, &x.LastVacuum, &x.LastAutovacuum, &x.LastAnalyze, &x.LastAutoanalyze,
			&x.VacuumAgeSec, &x.AnalyzeAgeSec, &x.VacuumCount, &x.AutovacuumCount, &x.AnalyzeCount, &x.AutoanalyzeCount); err != nil {
			return nil, fmt.Errorf("read table statistics: %w", err)
		}
		tb := byOID[oid]
		tb.Schema, tb.Name = x.Schema, x.Name
		tb.LastVacuum, tb.LastAutovacuum, tb.LastAnalyze, tb.LastAutoanalyze = x.LastVacuum, x.LastAutovacuum, x.LastAnalyze, x.LastAutoanalyze
		tb.VacuumAgeSec, tb.AnalyzeAgeSec = x.VacuumAgeSec, x.AnalyzeAgeSec
		tb.VacuumCount, tb.AutovacuumCount, tb.AnalyzeCount, tb.AutoanalyzeCount = x.VacuumCount, x.AutovacuumCount, x.AnalyzeCount, x.AutoanalyzeCount
		out = append(out, tb)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table statistics: %w", err)
	}
	slices.SortFunc(out, func(a, b Table) int {
		return cmp.Or(cmp.Compare(b.DeadTuples, a.DeadTuples), cmp.Compare(b.ModSinceAnalyze, a.ModSinceAnalyze),
			cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}

// The rules of the findings, shared by the listing and the totals.
func isDead(t Table, cfg Config) bool {
	return int64(t.DeadTuples) >= cfg.MinDeadTuples && t.DeadPercent >= cfg.DeadPercent
}

func isNeverAnalyzed(t Table, cfg Config) bool {
	return t.NeverAnalyzed && int64(t.LiveTuples) >= cfg.MinRowsNeverAnalyzed
}

func isStale(t Table, cfg Config) bool {
	return !t.NeverAnalyzed && int64(t.ModSinceAnalyze) >= cfg.MinModSinceAnalyze &&
		float64(t.ModSinceAnalyze) > cfg.ModPercent/100*max(float64(t.RelTuples), float64(t.LiveTuples))
}

func pastVacuumTrigger(t Table) bool  { return float64(t.DeadTuples) > t.VacuumTrigger }
func pastAnalyzeTrigger(t Table) bool { return float64(t.ModSinceAnalyze) > t.AnalyzeTrigger }

// tally counts every table by the findings' rules.
func tally(all []stat, cfg Config) Totals {
	var n Totals
	for _, s := range all {
		t := s.Table
		n.Active++
		if isDead(t, cfg) {
			n.Dead++
		}
		if isNeverAnalyzed(t, cfg) {
			n.NeverAnalyzed++
		} else if isStale(t, cfg) {
			n.Stale++
		}
		if pastVacuumTrigger(t) {
			n.PastVacuumTrigger++
			if !t.AutovacuumEnabled {
				n.PastVacuumTriggerDisabled++
			}
		}
		if pastAnalyzeTrigger(t) {
			n.PastAnalyzeTrigger++
			if !t.AutovacuumEnabled {
				n.PastAnalyzeTriggerDisabled++
			}
		}
	}
	return n
}

// pick returns the top_n tables of each ranking: most dead tuples, highest dead share
// (tables with at least min_dead_tuples first), most modifications since analyze, and
// the largest never analyzed; each table once.
func pick(all []stat, cfg Config) []stat {
	share := func(t Table) float64 { return float64(t.DeadTuples) / max(float64(t.LiveTuples+t.DeadTuples), 1) }
	flag := func(v bool) int {
		if v {
			return 1
		}
		return 0
	}
	rankings := []struct {
		keep  func(Table) bool
		order func(a, b Table) int
	}{
		{func(t Table) bool { return t.DeadTuples > 0 }, func(a, b Table) int { return cmp.Compare(b.DeadTuples, a.DeadTuples) }},
		{func(t Table) bool { return t.DeadTuples > 0 }, func(a, b Table) int {
			return cmp.Or(cmp.Compare(flag(int64(b.DeadTuples) >= cfg.MinDeadTuples), flag(int64(a.DeadTuples) >= cfg.MinDeadTuples)),
				cmp.Compare(share(b), share(a)))
		}},
		{func(t Table) bool { return t.ModSinceAnalyze > 0 }, func(a, b Table) int { return cmp.Compare(b.ModSinceAnalyze, a.ModSinceAnalyze) }},
		{func(t Table) bool { return t.NeverAnalyzed }, func(a, b Table) int { return cmp.Compare(b.LiveTuples, a.LiveTuples) }},
	}
	seen := map[uint32]bool{}
	var out []stat
	var cand []stat
	for _, r := range rankings {
		cand = cand[:0]
		for _, s := range all {
			if r.keep(s.Table) {
				cand = append(cand, s)
			}
		}
		slices.SortFunc(cand, func(a, b stat) int { return cmp.Or(r.order(a.Table, b.Table), cmp.Compare(a.oid, b.oid)) })
		for _, s := range cand[:min(len(cand), max(cfg.TopN, 0))] {
			if !seen[s.oid] {
				seen[s.oid] = true
				out = append(out, s)
			}
		}
	}
	return out
}
