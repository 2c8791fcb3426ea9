package h002

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// A primary and two standbys: an index scanned only on a standby is not unused, an index
// scanned nowhere is (with each node's zero), a large index scanned once against many
// writes is rarely used, and with one standby stopped the verdict is unknown.
func TestAcrossNodes(t *testing.T) {
	pgtest.MultiServer(t)
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE t (id int, a int, b int, c int);
		INSERT INTO t SELECT g, g, g, g FROM generate_series(1, 20000) g;
		CREATE INDEX t_nowhere ON t (a);
		CREATE INDEX t_on_standby ON t (b);
		CREATE INDEX t_rare ON t (c);
		ANALYZE;`)
	s1 := pgtest.StandbyForTest(t, cl, nil)
	s2 := pgtest.StandbyForTest(t, cl, nil)
	// Writes after the copies, counted on the primary only.
	cl.MustExec(t, "postgres", "INSERT INTO t SELECT g, g, g, g FROM generate_series(20001, 40000) g")
	scan(t, cl, "t_rare", "SELECT * FROM t WHERE c = 5")
	scan(t, s1, "t_on_standby", "SELECT * FROM t WHERE b = 5")

	c := New()
	// Young statistics accepted: the servers are minutes old. Every index is "large".
	c.cfg.MinStatsAgeDays, c.cfg.MinSizeBytes, c.cfg.RareMinSizeBytes = 0, 0, 1
	names := []string{"primary", "standby1", "standby2"}
	run := func(cls ...*pgtest.Cluster) []checks.NodeOutcome {
		var outs []checks.NodeOutcome
		for i, n := range cls {
			r := checktest.Run(t, n, c, checktest.Options{})
			var d Data
			r.Decode(t, &d)
			node := r.Node
			node.Name = names[i]
			outs = append(outs, checks.NodeOutcome{Node: node, Status: r.Status, Outcome: &checks.Outcome{Data: d}})
		}
		return outs
	}
	byIndex := func(fs []checks.Finding) map[string]checks.Finding {
		m := map[string]checks.Finding{}
		for _, f := range fs {
			if len(f.Objects) > 0 && f.Code != "H002/rarely-used" {
				m[string(f.Objects[0])] = f
			}
			if f.Code == "H002/rarely-used" {
				m["rare "+string(f.Objects[0])] = f
			}
		}
		return m
	}

	outs := run(cl, s1, s2)
	fs := c.Compare(outs)
	got := byIndex(fs)
	if f := got["public.t_nowhere"]; f.Code != "H002/unused-index" || f.Severity != checks.P3 ||
		!strings.Contains(f.Conclusion, "no scans on any of the 3 nodes") ||
		!strings.Contains(f.Recommendation, "DROP INDEX CONCURRENTLY public.t_nowhere;") ||
		!strings.Contains(f.Recommendation, "CREATE INDEX CONCURRENTLY t_nowhere ON public.t USING btree (a);") {
		t.Errorf("t_nowhere: %+v", f)
	} else {
		for _, n := range names {
			if !strings.Contains(f.Conclusion, "`"+n+"` 0 since") {
				t.Errorf("t_nowhere: no zero for %s: %s", n, f.Conclusion)
			}
		}
	}
	if f := got["public.t_on_standby"]; f.Code != "H002/used-on-standby-only" || f.Severity != checks.Info ||
		!strings.Contains(f.Conclusion, "`standby1` (1 scan") {
		t.Errorf("t_on_standby: %+v", f)
	}
	// Scanned once on a standby against 40,000 writes: rarely used too, with the caveat.
	if f := got["rare public.t_on_standby"]; !strings.Contains(f.Conclusion, "scans are all on standbys") {
		t.Errorf("t_on_standby rarely used: %+v", f)
	}
	if f := got["rare public.t_rare"]; f.Code != "H002/rarely-used" || f.Severity != checks.P3 ||
		!strings.Contains(f.Conclusion, "1 scan in all (`primary` 1") || !strings.Contains(f.Conclusion, "against 40,000") {
		t.Errorf("t_rare: %+v\n%s", f, text(fs))
	}
	for _, f := range fs {
		if f.Severity > checks.Info && f.Code != "H002/unused-index" && f.Code != "H002/rarely-used" {
			t.Errorf("unexpected %s %s: %s", f.Severity, f.Code, f.Conclusion)
		}
	}
	d := outs[0].Outcome.Data.(Data)
	for _, l := range d.Large {
		if l.Name == "t_rare" && (l.Writes < 40000 || (cl.Major >= 16) != (l.LastIdxScan != nil)) {
			t.Errorf("t_rare on the primary: writes %d, last scan %v", l.Writes, l.LastIdxScan)
		}
	}

	// standby2 stopped: nothing is dropped on the word of the two nodes left.
	if err := s2.Stop(); err != nil {
		t.Fatal(err)
	}
	outs = append(run(cl, s1), checks.NodeOutcome{Node: checks.Node{Name: "standby2"}, Status: checks.StatusError,
		Unreachable: "node not reachable: connection refused"})
	fs = c.Compare(outs)
	got = byIndex(fs)
	if f := got["public.t_nowhere"]; f.Code != "H002/unused-unknown" || f.Severity != checks.Info ||
		!strings.Contains(f.Conclusion, "`standby2`: node not reachable") || strings.Contains(f.Recommendation, "DROP") {
		t.Errorf("t_nowhere with standby2 stopped: %+v", f)
	}
	if f := got["public.t_on_standby"]; f.Code != "H002/used-on-standby-only" {
		t.Errorf("t_on_standby with standby2 stopped: %+v", f)
	}
	for _, f := range fs {
		if f.Severity > checks.Info {
			t.Errorf("%s %s with a node stopped: %s", f.Severity, f.Code, f.Conclusion)
		}
	}
}

// scan runs query on cl with sequential scans off and waits until the statistics show a
// scan of index.
func scan(t *testing.T, cl *pgtest.Cluster, index, query string) {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off; SET enable_bitmapscan = off; "+query); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT idx_scan FROM pg_stat_all_indexes WHERE indexrelname = $1", index).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatalf("the scan of %s never reached the statistics", index)
}
