package c002

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/c002/topology"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestReplication(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	s := pgtest.StandbyForTest(t, cl, nil)
	prim := connect(t, cl)
	stby := connect(t, s)
	waitFor(t, prim, "SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE state = 'streaming')")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if len(d.Standbys) != 1 || d.Standbys[0].Application != "standby1" || d.Receiver != nil {
		t.Fatalf("primary data %+v", d)
	}
	checktest.Run(t, s, New(), checktest.Options{}).MustStatus(t, checks.StatusOK)

	// Replay paused on the standby while the primary writes: WAL arrives but is not applied.
	if _, err := stby.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", "CREATE TABLE big AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000) g")
	waitFor(t, stby, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) > 2 * 1024 * 1024")
	waitFor(t, prim, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) > 2 * 1024 * 1024 FROM pg_stat_replication")

	c := New()
	c.cfg.LagMB = 1
	sr := checktest.Run(t, s, c, checktest.Options{})
	for _, code := range []string{"C002/replay-paused", "C002/replay-lag"} {
		if f := sr.WithCode(code); len(f) != 1 || f[0].Severity != checks.P2 {
			t.Errorf("standby %s: %+v", code, sr.Findings)
		}
	}
	sr.Decode(t, &d)
	if d.Receiver == nil || d.Receiver.Status == nil || *d.Receiver.Status != "streaming" || *d.Receiver.ReplayLagBytes < 2<<20 {
		t.Errorf("receiver %+v", d.Receiver)
	}

	pr := checktest.Run(t, cl, c, checktest.Options{})
	lag := pr.WithCode("C002/standby-lag")
	if len(lag) != 1 || !slices.Equal(lag[0].Objects, []checks.Name{"standby1"}) {
		t.Errorf("primary: %+v", pr.Findings)
	}
}

// TestDelayedStandby: a standby that applies WAL an hour late lags on purpose; the
// primary still sees the lag, the standby reports it as information.
func TestDelayedStandby(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	s := pgtest.StandbyForTest(t, cl, map[string]string{"recovery_min_apply_delay": "'1h'"})
	stby := connect(t, s)
	// Replay stops at the first commit it must delay; the bigger transaction after it
	// waits unreplayed.
	cl.MustExec(t, "postgres", "CREATE TABLE small (i int)")
	cl.MustExec(t, "postgres", "CREATE TABLE big AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000) g")
	waitFor(t, stby, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) > 2 * 1024 * 1024")

	c := New()
	c.cfg.LagMB = 1
	sr := checktest.Run(t, s, c, checktest.Options{})
	if f := sr.WithCode("C002/replay-lag"); len(f) != 1 || f[0].Severity != checks.Info {
		t.Errorf("standby: %+v", sr.Findings)
	}
	var d Data
	sr.Decode(t, &d)
	if d.ApplyDelaySec != 3600 {
		t.Errorf("apply delay %v", d.ApplyDelaySec)
	}
	prim := connect(t, cl)
	waitFor(t, prim, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) > 2 * 1024 * 1024 FROM pg_stat_replication")
	pr := checktest.Run(t, cl, c, checktest.Options{})
	if f := pr.WithCode("C002/standby-lag"); len(f) != 1 || f[0].Severity != checks.P2 {
		t.Errorf("primary: %+v", pr.Findings)
	}
}

func connect(t *testing.T, cl *pgtest.Cluster) *pgx.Conn {
	t.Helper()
	conn, err := cl.Connect(context.Background(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func waitFor(t *testing.T, conn *pgx.Conn, q string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok *bool
		err := conn.QueryRow(context.Background(), q).Scan(&ok)
		if err == nil && ok != nil && *ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never true: %s (%v)", q, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestCascade: primary -> standby1 -> standby2. C002 on all three and Compare give the
// topology with the cascade, and lag from both ends of each link.
func TestCascade(t *testing.T) {
	pgtest.MultiServer(t)
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	s1 := pgtest.StandbyForTest(t, cl, nil)
	s2 := pgtest.CascadingStandbyForTest(t, s1, nil)
	prim, c1, c2 := connect(t, cl), connect(t, s1), connect(t, s2)
	waitFor(t, prim, "SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = 'standby1' AND state = 'streaming')")
	waitFor(t, c1, "SELECT EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = 'standby2' AND state = 'streaming')")
	// Replay paused on the cascading standby while the primary writes: both ends of
	// standby1 -> standby2 must see it behind.
	if _, err := c2.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", "CREATE TABLE big AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 50000) g")
	waitFor(t, c2, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) > 2 * 1024 * 1024")
	waitFor(t, c1, "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), replay_lsn) > 2 * 1024 * 1024 FROM pg_stat_replication")

	c := New()
	var outcomes []checks.NodeOutcome
	for i, n := range []*pgtest.Cluster{cl, s1, s2} {
		r := checktest.Run(t, n, c, checktest.Options{})
		if r.Status != checks.StatusOK && r.Status != checks.StatusFindings { // standby2: replay paused
			t.Fatalf("%s: %s %s", n.DataDir(), r.Status, r.Reason)
		}
		var d Data
		r.Decode(t, &d)
		node := r.Node
		node.Name = []string{"primary", "standby1", "standby2"}[i]
		outcomes = append(outcomes, checks.NodeOutcome{Node: node, Status: r.Status, Outcome: &checks.Outcome{Data: d}})
		if i > 0 {
			up := []*pgtest.Cluster{cl, s1}[i-1]
			if d.Receiver == nil || d.Receiver.SenderHost == nil || *d.Receiver.SenderHost != "127.0.0.1" ||
				d.Receiver.SenderPort == nil || *d.Receiver.SenderPort != up.Port || d.Receiver.UpstreamAheadBytes == nil {
				t.Fatalf("%s receiver %+v", node.Name, d.Receiver)
			}
		}
	}
	if f := c.Compare(outcomes); len(f) != 0 {
		t.Errorf("findings of a healthy cascade: %+v", f)
	}
	g := topology.Derive(Nodes(outcomes))
	edges := map[string]topology.Edge{}
	for _, e := range g.Edges {
		edges[e.Upstream+"->"+e.Downstream] = e
	}
	if len(g.Edges) != 2 {
		t.Fatalf("edges %+v", g.Edges)
	}
	for _, k := range []string{"primary->standby1", "standby1->standby2"} {
		e, ok := edges[k]
		if !ok || !e.Matched() || e.Match != topology.ByNodeName || e.Sender.ReplayLagBytes == nil || e.Receiver.BehindBytes() == nil {
			t.Fatalf("%s: %+v", k, e)
		}
	}
	e := edges["standby1->standby2"]
	if *e.Sender.ReplayLagBytes < 2<<20 || *e.Receiver.BehindBytes() < 2<<20 || *e.Receiver.ReplayLagBytes < 2<<20 {
		t.Errorf("cascade lag: upstream sees %v, standby sees %v", *e.Sender.ReplayLagBytes, *e.Receiver.BehindBytes())
	}
	if d := g.Depth(); d["primary"] != 0 || d["standby1"] != 1 || d["standby2"] != 2 {
		t.Errorf("depth %v", d)
	}

	// Nodes named without regard to application_name: matched by address and elimination.
	anon := slices.Clone(outcomes)
	for i := range anon {
		anon[i].Node.Name = fmt.Sprintf("node%d", i+1)
	}
	for _, e := range topology.Derive(Nodes(anon)).Edges {
		if e.Match != topology.ByElimination || e.Upstream == "" {
			t.Errorf("anonymous: %+v", e)
		}
	}

	// standby1 not reachable: standby2's upstream is known only by address, and the
	// primary's WAL sender for standby1 has no receiver among the nodes.
	down := slices.Clone(outcomes)
	down[1].Status, down[1].Outcome, down[1].Unreachable = checks.StatusError, nil, "node not reachable: connection refused"
	f := c.Compare(down)
	if len(f) != 1 || f[0].Code != "C002/upstream-not-checked" || !slices.Equal(f[0].Nodes, []string{"standby2", "standby1"}) {
		t.Errorf("upstream down: %+v", f)
	}
}
