package pipeline

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// ownProbe records the backend pid it ran on and how many pgcheckup sessions the server
// had open at that moment.
type ownProbe struct {
	id  string
	own bool
	mu  *sync.Mutex
	log *[]string
}

func (p ownProbe) Meta() checks.Meta {
	return checks.Meta{ID: p.id, Title: "probe " + p.id, Scope: checks.Cluster, OwnSession: p.own}
}
func (p ownProbe) Queries() []checks.Query { return nil }
func (p ownProbe) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	var pid, sessions int
	// A session closed a moment ago may still be leaving (its backend exits after the
	// client has gone): one that stays is a second connection.
	for range 20 {
		err := t.DB.QueryRow(ctx, "/* pgcheckup "+p.id+" */ SELECT pg_catalog.pg_backend_pid(), "+
			"(SELECT pg_catalog.count(*)::int FROM pg_catalog.pg_stat_activity WHERE application_name = 'pgcheckup')").Scan(&pid, &sessions)
		if err != nil {
			return nil, err
		}
		if sessions == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.mu.Lock()
	*p.log = append(*p.log, fmt.Sprintf("%s pid=%d sessions=%d", p.id, pid, sessions))
	p.mu.Unlock()
	return &checks.Outcome{}, nil
}

// TestOwnSession: a check that asks for a session of its own runs after the others on a
// new connection, while the node's main one is closed, so the server never sees two
// pgcheckup sessions; and closing on purpose does not use up the budget for drops.
func TestOwnSession(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	var mu sync.Mutex
	var log []string
	mk := func(id string, own bool) checks.Check { return ownProbe{id: id, own: own, mu: &mu, log: &log} }
	// more own-session checks than maxReconnects: none may be refused a connection
	list := []checks.Check{mk("T001", false), mk("T002", true), mk("T003", false), mk("T004", true),
		mk("T005", true), mk("T006", true), mk("T007", true)}
	cfg := quick(t, []Target{target(t, "n", cl.ConnString("postgres"))}, list)
	rep, _, err := runWithin(t, context.Background(), time.Minute, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(log)
	want := []string{"T001", "T003", "T002", "T004", "T005", "T006", "T007"}
	pids := map[string]string{}
	for i, line := range log {
		var id string
		var pid, sessions int
		if _, err := fmt.Sscanf(line, "%s pid=%d sessions=%d", &id, &pid, &sessions); err != nil {
			t.Fatal(err)
		}
		if id != want[i] {
			t.Errorf("check %d ran %s, want %s (own-session checks last)", i, id, want[i])
		}
		if sessions != 1 {
			t.Errorf("%s ran while the server had %d pgcheckup sessions, want 1", id, sessions)
		}
		pids[id] = fmt.Sprint(pid)
	}
	if pids["T001"] != pids["T003"] {
		t.Errorf("T001 and T003 ran on different sessions (%s, %s)", pids["T001"], pids["T003"])
	}
	for _, id := range []string{"T002", "T004", "T005", "T006", "T007"} {
		if pids[id] == pids["T001"] {
			t.Errorf("%s shared the main session", id)
		}
		if r := result(t, rep, id, "n"); r.Status != checks.StatusOK || r.Connection < 2 {
			t.Errorf("%s: %s %q on connection %d", id, r.Status, r.Reason, r.Connection)
		}
	}
	if pids["T002"] == pids["T004"] {
		t.Error("two own-session checks shared a session")
	}
}
