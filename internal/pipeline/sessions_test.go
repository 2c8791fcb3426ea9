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
	id   string
	kind checks.SessionKind
	mu   *sync.Mutex
	log  *[]string
	// minVersion, when set above the server's, makes the runner skip the probe
	minVersion int
}

func (p ownProbe) Meta() checks.Meta {
	return checks.Meta{ID: p.id, Title: "probe " + p.id, Scope: checks.Cluster, Session: p.kind, MinVersion: p.minVersion}
}
func (p ownProbe) Queries() []checks.Query { return nil }
func (p ownProbe) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	var pid, sessions int
	var workMem string
	// A session closed a moment ago may still be leaving (its backend exits after the
	// client has gone): one that stays is a second connection.
	for range 20 {
		err := t.DB.QueryRow(ctx, "/* pgcheckup "+p.id+" */ SELECT pg_catalog.pg_backend_pid(), "+
			"(SELECT pg_catalog.count(*)::int FROM pg_catalog.pg_stat_activity WHERE application_name = 'pgcheckup'), "+
			"pg_catalog.current_setting('work_mem')").Scan(&pid, &sessions, &workMem)
		if err != nil {
			return nil, err
		}
		if sessions == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.mu.Lock()
	*p.log = append(*p.log, fmt.Sprintf("%s pid=%d sessions=%d work_mem=%s", p.id, pid, sessions, workMem))
	p.mu.Unlock()
	return &checks.Outcome{}, nil
}

// TestSessions: checks run on the main session first, then on the same connection made
// the catalog session (more work_mem), then each own-session check on a session of its
// own; the node's previous session is closed before the next opens, so the server never
// sees two pgcheckup sessions; and closing on purpose does not use up the budget for
// drops.
func TestSessions(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	var mu sync.Mutex
	var log []string
	mk := func(id string, kind checks.SessionKind) checks.Check {
		return ownProbe{id: id, kind: kind, mu: &mu, log: &log}
	}
	own, cat, main := checks.OwnSession, checks.CatalogSession, checks.MainSession
	// more own-session checks than maxReconnects: none may be refused a connection
	// T010 is skipped for the server's version, before any query: no session is opened
	// for it, so T009 gets the connection after T008's
	skipped := ownProbe{id: "T010", kind: own, mu: &mu, log: &log, minVersion: 990000}
	list := []checks.Check{mk("T001", main), mk("T002", own), mk("T003", cat), mk("T004", own), mk("T005", main),
		mk("T006", own), mk("T007", cat), mk("T008", own), skipped, mk("T009", own)}
	cfg := quick(t, []Target{target(t, "n", cl.ConnString("postgres"))}, list)
	rep, _, err := runWithin(t, context.Background(), time.Minute, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(log)
	want := []string{"T001", "T005", "T003", "T007", "T002", "T004", "T006", "T008", "T009"}
	if len(log) != len(want) {
		t.Fatalf("%d checks ran, want %d", len(log), len(want))
	}
	pids, mem := map[string]string{}, map[string]string{}
	for i, line := range log {
		var id, wm string
		var pid, sessions int
		if _, err := fmt.Sscanf(line, "%s pid=%d sessions=%d work_mem=%s", &id, &pid, &sessions, &wm); err != nil {
			t.Fatal(err)
		}
		if id != want[i] {
			t.Errorf("check %d ran %s, want %s", i, id, want[i])
		}
		if sessions != 1 {
			t.Errorf("%s ran while the server had %d pgcheckup sessions, want 1", id, sessions)
		}
		pids[id], mem[id] = fmt.Sprint(pid), wm
	}
	same := func(a, b string, want bool) {
		if (pids[a] == pids[b]) != want {
			t.Errorf("%s and %s on the same session: %v, want %v", a, b, pids[a] == pids[b], want)
		}
	}
	same("T001", "T005", true)
	same("T003", "T007", true)
	same("T001", "T003", true)
	for _, id := range []string{"T002", "T004", "T006", "T008", "T009"} {
		same(id, "T001", false)
		same(id, "T003", false)
		if r := result(t, rep, id, "n"); r.Status != checks.StatusOK || r.Connection < 2 {
			t.Errorf("%s: %s %q on connection %d", id, r.Status, r.Reason, r.Connection)
		}
	}
	same("T002", "T004", false)
	if r := result(t, rep, "T010", "n"); r.Status != checks.StatusSkipped {
		t.Errorf("T010: %s %q, want skipped for the version", r.Status, r.Reason)
	}
	if a, b := result(t, rep, "T008", "n").Connection, result(t, rep, "T009", "n").Connection; b != a+1 {
		t.Errorf("T008 on connection %d, T009 on %d: a session was opened for the skipped T010", a, b)
	}
	if mem["T001"] == "32MB" || mem["T003"] != "32MB" || mem["T002"] != "32MB" {
		t.Errorf("work_mem: main %s, catalog %s, own %s; want the server's, 32MB, 32MB", mem["T001"], mem["T003"], mem["T002"])
	}
}
