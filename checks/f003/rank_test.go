package f003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestTallyAndPick(t *testing.T) {
	cfg := New().cfg
	cfg.TopN = 1
	d := Data{VacuumThreshold: 50, VacuumScaleFactor: 0.2, AnalyzeThreshold: 50, AnalyzeScaleFactor: 0.1}
	mk := func(oid uint32, live, dead, mod, rel float64, never bool, opts ...string) stat {
		s := stat{oid: oid, Table: Table{LiveTuples: checks.Estimate(live), DeadTuples: checks.Estimate(dead),
			ModSinceAnalyze: checks.Estimate(mod), RelTuples: checks.Estimate(rel), NeverAnalyzed: never}}
		applyOptions(&s.Table, d, opts)
		return s
	}
	all := []stat{
		mk(1, 5000, 15000, 0, 20000, false),                               // dead, past vacuum trigger (4050)
		mk(2, 90000, 30000, 0, 100000, false, "autovacuum_enabled=false"), // most dead, 25%: dead; past trigger, disabled
		mk(3, 2000, 0, 0, 0, true),                                        // never analyzed
		mk(4, 100000, 0, 30000, 100000, false),                            // stale (30% > 20%), past analyze trigger (10050)
		mk(5, 100000, 100, 60, 100000, false),                             // nothing
	}
	n := tally(all, cfg)
	want := Totals{Active: 5, Dead: 2, NeverAnalyzed: 1, Stale: 1, PastVacuumTrigger: 2, PastVacuumTriggerDisabled: 1,
		PastAnalyzeTrigger: 1, PastAnalyzeTriggerDisabled: 0}
	if n != want {
		t.Errorf("tally %+v, want %+v", n, want)
	}
	got := map[uint32]bool{}
	for _, s := range pick(all, cfg) {
		got[s.oid] = true
	}
	// top 1 by dead tuples (2), by dead share among those past min_dead_tuples (1: 75%),
	// by modifications (4), never analyzed (3)
	if len(got) != 4 || !got[1] || !got[2] || !got[3] || !got[4] {
		t.Errorf("picked %v", got)
	}
	tables := []Table{all[0].Table, all[1].Table, all[2].Table, all[3].Table}
	weight := map[string]int{}
	for _, f := range analyze(Data{TrackCounts: true, Tables: tables[:1], Totals: n, TopN: 1}, cfg) {
		weight[f.Code] += f.Weight()
	}
	for code, w := range map[string]int{"F003/dead-tuples": 2, "F003/never-analyzed": 1, "F003/stale-statistics": 1,
		"F003/past-vacuum-trigger": 2, "F003/past-analyze-trigger": 1} {
		if weight[code] != w {
			t.Errorf("%s weighs %d, want %d (%v)", code, weight[code], w, weight)
		}
	}
}
