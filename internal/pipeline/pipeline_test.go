package pipeline

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

func sanitizer(t *testing.T) *privacy.Sanitizer {
	san, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	return san
}

func target(t *testing.T, alias, cs string) Target {
	pc, err := pgx.ParseConfig(cs)
	if err != nil {
		t.Fatal(err)
	}
	return Target{Alias: alias, Conn: pc}
}

// closedPort is a local port nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

var limits = session.Options{StatementTimeout: 30 * time.Second, LockTimeout: 100 * time.Millisecond, ConnectTimeout: 5 * time.Second}

// TestRun runs two checks on a primary, its standby (both by alias) and a node that is
// down: the report names nodes by alias, carries the shared system identifier, and keeps
// going past the unreachable node.
func TestRun(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	sb := pgtest.StandbyForTest(t, cl, nil)
	conn, err := cl.Connect(context.Background(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	var sysid string
	err = conn.QueryRow(context.Background(), "SELECT system_identifier::text FROM pg_control_system()").Scan(&sysid)
	conn.Close(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var list []checks.Check
	for _, c := range all.Checks() {
		if id := c.Meta().ID; id == "A002" || id == "H001" || id == "L004" {
			list = append(list, c)
		}
	}
	// A table without a key, replayed on the replica, for L004 (a Replicated check).
	cl.MustExec(t, "postgres", "CREATE TABLE nokey (a int)")
	for deadline := time.Now().Add(30 * time.Second); ; {
		sc, err := sb.Connect(context.Background(), "postgres")
		if err != nil {
			t.Fatal(err)
		}
		var there bool
		err = sc.QueryRow(context.Background(), "SELECT to_regclass('public.nokey') IS NOT NULL").Scan(&there)
		sc.Close(context.Background())
		if err == nil && there {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not replay the table: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rep, err := Run(context.Background(), Config{
		Project: "p",
		Targets: []Target{
			target(t, "primary", cl.ConnString("postgres")),
			target(t, "replica", sb.ConnString("postgres")),
			target(t, "", "postgres://postgres@"+closedPort(t)+"/postgres"),
		},
		Session: limits, Checks: list, Sanitizer: sanitizer(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Nodes) != 3 {
		t.Fatalf("nodes %+v", rep.Nodes)
	}
	p, r, down := rep.Nodes[0], rep.Nodes[1], rep.Nodes[2]
	if p.Name != "primary" || p.Role != "primary" || p.SystemID != sysid || p.Host != session.Describe(target(t, "", cl.ConnString("postgres")).Conn) {
		t.Errorf("primary %+v (system identifier %s)", p, sysid)
	}
	if r.Name != "replica" || r.Role != "standby" || r.SystemID != sysid {
		t.Errorf("replica %+v (system identifier %s)", r, sysid)
	}
	if down.Error == "" || down.Name != down.Host {
		t.Errorf("unreachable node %+v", down)
	}
	if len(rep.Checks) != 3 || len(rep.Checks[0].Results) != 2 || rep.Checks[0].Results[1].Node != "replica" {
		t.Fatalf("checks %+v", rep.Checks)
	}
	// H001 reads only replicated data: its primary's result stands for the replica. A002
	// (the server's own version) runs on both.
	byID := map[string][]report.Result{}
	for _, c := range rep.Checks {
		byID[c.ID] = c.Results
	}
	if h := byID["H001"]; h[0].Status != checks.StatusOK || h[1].Status != checks.StatusSkipped ||
		!strings.Contains(h[1].Reason, "the result of primary stands for this standby") || h[1].SameAs != "primary" {
		t.Errorf("H001 on primary and replica: %+v", h)
	}
	if a := byID["A002"]; a[1].Status == checks.StatusSkipped {
		t.Errorf("A002 skipped on the replica: %+v", a[1])
	}
	// The primary's finding stands for the replica too: one finding on both nodes.
	for _, c := range rep.Checks {
		for _, f := range c.Findings {
			if c.ID == "L004" && f.Code == "L004/no-key" && (len(f.Nodes) != 2 || f.Nodes[1] != "replica") {
				t.Errorf("L004 finding on %q %v, want primary and replica; results %+v", f.Node, f.Nodes, byID["L004"])
			}
		}
	}
	// Without its primary in the run, the standby runs it.
	rep, err = Run(context.Background(), Config{
		Project: "p", Targets: []Target{target(t, "replica", sb.ConnString("postgres"))},
		Session: limits, Checks: list, Sanitizer: sanitizer(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Checks {
		if c.ID == "H001" && c.Results[0].Status != checks.StatusOK {
			t.Errorf("H001 on the standby alone: %+v", c.Results[0])
		}
	}
}

// TestNoNodeReachable: the error says so, and the report still names the node and why.
func TestNoNodeReachable(t *testing.T) {
	rep, err := Run(context.Background(), Config{
		Targets: []Target{target(t, "gone", "postgres://postgres@"+closedPort(t)+"/postgres")},
		Session: limits, Checks: all.Checks(), Sanitizer: sanitizer(t),
	})
	if !errors.Is(err, ErrNoNodeReachable) || rep == nil || len(rep.Nodes) != 1 || rep.Nodes[0].Name != "gone" || rep.Nodes[0].Error == "" {
		t.Fatalf("err %v, report %+v", err, rep)
	}
}
