package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/faultproxy"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// probe is a test check: one marked statement, or whatever run does.
type probe struct {
	id  string
	run func(ctx context.Context, t *checks.Target) error
}

func (p probe) Meta() checks.Meta {
	return checks.Meta{ID: p.id, Title: "probe " + p.id, Scope: checks.Cluster}
}
func (p probe) Queries() []checks.Query { return nil }
func (p probe) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	if p.run != nil {
		if err := p.run(ctx, t); err != nil {
			return nil, err
		}
		return &checks.Outcome{}, nil
	}
	var one int
	if err := t.DB.QueryRow(ctx, "/* pgcheckup "+p.id+" */ SELECT 1").Scan(&one); err != nil {
		return nil, err
	}
	return &checks.Outcome{}, nil
}

func probes(ids ...string) []checks.Check {
	var out []checks.Check
	for _, id := range ids {
		out = append(out, probe{id: id})
	}
	return out
}

// proxied starts a fault proxy in front of cl and returns it with a target through it.
func proxied(t *testing.T, cl *pgtest.Cluster, alias string) (*faultproxy.Proxy, Target) {
	p, err := faultproxy.Start(fmt.Sprintf("127.0.0.1:%d", cl.Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	cs := fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=postgres sslmode=disable", p.Port(), pgtest.Superuser)
	return p, target(t, alias, cs)
}

// runWithin runs the pipeline and fails the test if it does not end within limit: the
// bug these tests guard against is a run that never ends.
func runWithin(t *testing.T, ctx context.Context, limit time.Duration, cfg Config) (*report.Report, time.Duration, error) {
	t.Helper()
	type result struct {
		rep *report.Report
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		rep, err := Run(ctx, cfg)
		done <- result{rep, err}
	}()
	select {
	case r := <-done:
		return r.rep, time.Since(start), r.err
	case <-time.After(limit):
		t.Fatalf("the run did not end within %s", limit)
		return nil, 0, nil
	}
}

func result(t *testing.T, rep *report.Report, id, node string) report.Result {
	t.Helper()
	for _, c := range rep.Checks {
		if c.ID != id {
			continue
		}
		for _, r := range c.Results {
			if r.Node == node {
				return r
			}
		}
	}
	t.Fatalf("no result of %s on %s in %+v", id, node, rep.Checks)
	return report.Result{}
}

// quick is a run with short limits: a second to connect and identify, a second per check.
func quick(t *testing.T, targets []Target, list []checks.Check) Config {
	return Config{
		Targets: targets, Checks: list, Sanitizer: sanitizer(t), CheckTimeout: time.Second,
		Session: session.Options{StatementTimeout: 30 * time.Second, LockTimeout: 100 * time.Millisecond, ConnectTimeout: time.Second},
	}
}

// TestSilentAfterHandshake: a node that completes the handshake and then never answers
// is given up after the connect timeout, and the other node is checked in full.
func TestSilentAfterHandshake(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, silent := proxied(t, cl, "silent")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup node", Fault: faultproxy.Stall})
	cfg := quick(t, []Target{silent, target(t, "direct", cl.ConnString("postgres"))}, probes("Z901", "Z902"))
	rep, took, err := runWithin(t, context.Background(), 10*time.Second, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if limit := cfg.Session.ConnectTimeout + 2*time.Second; took > limit {
		t.Errorf("run took %s, want under %s", took, limit)
	}
	if rep.Nodes[0].Name != "silent" || rep.Nodes[0].Error == "" || rep.Nodes[0].Error == report.NodeInterrupted {
		t.Errorf("silent node %+v", rep.Nodes[0])
	}
	for _, id := range []string{"Z901", "Z902"} {
		if r := result(t, rep, id, "direct"); r.Status != checks.StatusOK {
			t.Errorf("%s on the direct node: %+v", id, r)
		}
	}
}

// TestStallMidStatement: a statement that never gets an answer ends the check with
// "timed out" after the check timeout, and the next checks run.
func TestStallMidStatement(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, node := proxied(t, cl, "n")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup Z902", Fault: faultproxy.Stall, Times: 1})
	cfg := quick(t, []Target{node}, probes("Z901", "Z902", "Z903"))
	rep, took, err := runWithin(t, context.Background(), 15*time.Second, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if limit := cfg.CheckTimeout + cfg.Session.ConnectTimeout + 3*time.Second; took > limit {
		t.Errorf("run took %s, want under %s", took, limit)
	}
	if r := result(t, rep, "Z902", "n"); r.Status != checks.StatusError || !strings.Contains(r.Reason, "timed out") {
		t.Errorf("stalled check: %+v, want an error saying it timed out", r)
	}
	if r := result(t, rep, "Z903", "n"); r.Status != checks.StatusOK {
		t.Errorf("check after the stalled one: %+v", r)
	}
}

// TestResetMidRun: a connection reset under a check is replaced; that check runs again
// on the new connection and the rest follow it there.
func TestResetMidRun(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, node := proxied(t, cl, "n")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup Z902", Fault: faultproxy.Reset, Times: 1})
	rep, _, err := runWithin(t, context.Background(), 15*time.Second, quick(t, []Target{node}, probes("Z901", "Z902", "Z903")))
	if err != nil {
		t.Fatal(err)
	}
	for id, conn := range map[string]int{"Z901": 1, "Z902": 2, "Z903": 2} {
		if r := result(t, rep, id, "n"); r.Status != checks.StatusOK || r.Connection != conn {
			t.Errorf("%s: %+v, want ok on connection %d", id, r, conn)
		}
	}
}

// TestServerRestart: the server restarts between two checks; the remaining checks run
// on a second connection.
func TestServerRestart(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	restart := probe{id: "Z902", run: func(ctx context.Context, _ *checks.Target) error { return cl.Restart(ctx) }}
	list := []checks.Check{probe{id: "Z901"}, restart, probe{id: "Z903"}, probe{id: "Z904"}}
	cfg := quick(t, []Target{target(t, "n", cl.ConnString("postgres"))}, list)
	cfg.CheckTimeout = time.Minute // the restart itself
	cfg.Session.ConnectTimeout = 10 * time.Second
	rep, _, err := runWithin(t, context.Background(), time.Minute, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for id, conn := range map[string]int{"Z901": 1, "Z902": 1, "Z903": 2, "Z904": 2} {
		if r := result(t, rep, id, "n"); r.Status != checks.StatusOK || r.Connection != conn {
			t.Errorf("%s: %+v, want ok on connection %d", id, r, conn)
		}
	}
}

type steps struct {
	mu   sync.Mutex
	at   map[string]time.Time // node -> when its last check ended
	from time.Time
}

func (s *steps) Start(int) { s.mu.Lock(); s.from = time.Now(); s.mu.Unlock() }
func (s *steps) Step(_, node string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at[node] = time.Now()
}

// TestSilentNodeStallsNobody: while one node's check waits for its timeout, the other
// node's checks all finish.
func TestSilentNodeStallsNobody(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, slow := proxied(t, cl, "slow")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup Z901", Fault: faultproxy.Stall})
	cfg := quick(t, []Target{slow, target(t, "fast", cl.ConnString("postgres"))}, probes("Z901", "Z902", "Z903"))
	cfg.CheckTimeout = 3 * time.Second
	st := &steps{at: map[string]time.Time{}}
	cfg.Progress = st
	rep, _, err := runWithin(t, context.Background(), 20*time.Second, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := st.at["fast"].Sub(st.from); d > time.Second {
		t.Errorf("the fast node finished %s after the checks started, behind the slow node", d)
	}
	if r := result(t, rep, "Z901", "slow"); r.Status != checks.StatusError {
		t.Errorf("stalled check on the slow node: %+v", r)
	}
	// The report keeps the order of the targets, whatever order nodes finish in.
	if c := rep.Checks[0]; c.Results[0].Node != "slow" || c.Results[1].Node != "fast" {
		t.Errorf("results out of order: %+v", c.Results)
	}
}

// TestInterrupted: cancelling the run while a check is stalled ends it at once (within
// the cancel grace); the report is marked interrupted, the running check stopped and the
// next one not run.
func TestInterrupted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, node := proxied(t, cl, "n")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup Z902", Fault: faultproxy.Stall})
	cfg := quick(t, []Target{node}, probes("Z901", "Z902", "Z903"))
	cfg.CheckTimeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-p.Fired()
		cancel()
	}()
	rep, took, err := runWithin(t, ctx, 20*time.Second, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if took > 5*time.Second {
		t.Errorf("interrupted run took %s", took)
	}
	if !rep.Interrupted {
		t.Error("report not marked interrupted")
	}
	want := map[string]checks.Status{"Z901": checks.StatusOK, "Z902": checks.StatusSkipped, "Z903": checks.StatusSkipped}
	for id, st := range want {
		if r := result(t, rep, id, "n"); r.Status != st || (st == checks.StatusSkipped && !strings.Contains(r.Reason, "interrupted")) {
			t.Errorf("%s: %+v, want %s", id, r, st)
		}
	}
}

// TestInterruptedWhileConnecting: a node the run was interrupted while connecting to is
// "not checked (interrupted)", not unreachable, and the run still returns its report.
func TestInterruptedWhileConnecting(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, node := proxied(t, cl, "n")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup node", Fault: faultproxy.Stall})
	cfg := quick(t, []Target{node}, probes("Z901"))
	cfg.Session.ConnectTimeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-p.Fired()
		cancel()
	}()
	rep, _, err := runWithin(t, ctx, 20*time.Second, cfg)
	if err != nil {
		t.Fatalf("error %v", err)
	}
	if !rep.Interrupted || rep.Nodes[0].Error != report.NodeInterrupted {
		t.Errorf("interrupted %v, node %+v", rep.Interrupted, rep.Nodes[0])
	}
}

// TestSlowNode: a node whose every reply is late, but within the limits, is checked in
// full (bounded waits must not cut off a slow network), and the other node does not
// wait for it.
func TestSlowNode(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, slow := proxied(t, cl, "slow")
	cfg := quick(t, []Target{slow, target(t, "fast", cl.ConnString("postgres"))}, probes("Z901", "Z902", "Z903"))
	cfg.Session.ConnectTimeout = 5 * time.Second
	cfg.CheckTimeout = 5 * time.Second
	st := &steps{at: map[string]time.Time{}}
	cfg.Progress = st
	p.Delay(400 * time.Millisecond)
	rep, _, err := runWithin(t, context.Background(), 30*time.Second, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"Z901", "Z902", "Z903"} {
		for _, node := range []string{"slow", "fast"} {
			if r := result(t, rep, id, node); r.Status != checks.StatusOK || r.Connection != 1 {
				t.Errorf("%s on %s: %+v", id, node, r)
			}
		}
	}
	if d := st.at["fast"].Sub(st.from); d > 400*time.Millisecond {
		t.Errorf("the fast node finished %s after the checks started, behind the slow node", d)
	}
}

// TestNodeGoneMidRun: a node that stops answering altogether mid-run (the statement and
// every new connection hang) is given up after one check timeout and one connect
// timeout; its remaining checks say so at once.
func TestNodeGoneMidRun(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	p, node := proxied(t, cl, "n")
	p.Add(faultproxy.Rule{Match: "/* pgcheckup Z902", Fault: faultproxy.Stall})
	go func() {
		<-p.Fired()
		// From now on even the startup packet gets no answer.
		p.Add(faultproxy.Rule{Match: "application_name", Fault: faultproxy.Stall})
	}()
	cfg := quick(t, []Target{node}, probes("Z901", "Z902", "Z903", "Z904"))
	rep, took, err := runWithin(t, context.Background(), 20*time.Second, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if limit := cfg.CheckTimeout + session.CancelGrace + cfg.Session.ConnectTimeout + 2*time.Second; took > limit {
		t.Errorf("run took %s, want under %s", took, limit)
	}
	if r := result(t, rep, "Z902", "n"); r.Status != checks.StatusError || !strings.Contains(r.Reason, "timed out") {
		t.Errorf("Z902: %+v", r)
	}
	for _, id := range []string{"Z903", "Z904"} {
		if r := result(t, rep, id, "n"); r.Status != checks.StatusError || !strings.Contains(r.Reason, "reconnect failed") {
			t.Errorf("%s: %+v, want an error saying the node was given up", id, r)
		}
	}
}
