package pipeline

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// seesView is a workload check that keeps the view it was given.
type seesView struct{ got *[]*workload.View }

func (seesView) Meta() checks.Meta {
	return checks.Meta{ID: "T002", Title: "t", Scope: checks.Cluster, Workload: true}
}
func (seesView) Queries() []checks.Query { return nil }
func (s seesView) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, _ := t.Workload.(*workload.View)
	*s.got = append(*s.got, v)
	return &checks.Outcome{}, nil
}

// TestWorkloadWindow: with --window the first snapshot comes before the checks and the
// second after the window; a statement run inside the window is in the deltas, one run
// before it is not; pgcheckup's own statements are recognized. The next run, without a
// window, compares with the snapshot the first one kept; after a restart it refuses that
// and says why, falling back to the totals since the reset.
func TestWorkloadWindow(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements; CREATE TABLE before_w (id int); CREATE TABLE in_w (id int)")
	cl.MustExec(t, "postgres", "SELECT count(*) FROM before_w")
	var got []*workload.View
	kept := map[string]*workload.Snapshot{}
	wl := Workload{
		Keep:     func(k string, s *workload.Snapshot) { kept[k] = s },
		Previous: func(k string) *workload.Snapshot { return kept[k] },
	}
	run := func(window time.Duration, during func()) *workload.View {
		t.Helper()
		wl.Window = window
		done := make(chan struct{})
		go func() {
			defer close(done)
			if during != nil {
				time.Sleep(window / 4)
				during()
			}
		}()
		_, err := Run(ctx, Config{Project: "p", Targets: []Target{target(t, "primary", cl.ConnString("postgres"))},
			Session: limits, Checks: []checks.Check{seesView{&got}}, Sanitizer: sanitizer(t), Workload: wl})
		<-done
		if err != nil {
			t.Fatal(err)
		}
		return got[len(got)-1]
	}
	v := run(3*time.Second, func() { cl.MustExec(t, "postgres", "SELECT count(*) FROM in_w WHERE id > 7") })
	if v.Source != workload.SourceWindow || v.Window == nil || v.Window.Seconds < 2.5 || v.EndedEarly {
		t.Fatalf("window view: source %q (%s), window %+v, ended early %v", v.Source, v.Reason, v.Window, v.EndedEarly)
	}
	found := map[string]bool{}
	for _, d := range v.Window.Deltas {
		if txt, ok := v.Texts.ByID[d.QueryID]; ok && !v.Texts.Own[d.QueryID] {
			found[string(txt.Query)] = true
		}
	}
	if !found["SELECT count(*) FROM in_w WHERE id > $1"] || found["SELECT count(*) FROM before_w"] {
		t.Errorf("statements in the window: %v", found)
	}
	if len(kept) != 1 {
		t.Fatalf("kept %d snapshots", len(kept))
	}

	cl.MustExec(t, "postgres", "SELECT count(*) FROM in_w WHERE id > 8")
	v = run(0, nil)
	if v.Source != workload.SourcePrevious || v.Window == nil {
		t.Fatalf("against the previous run: source %q (%s)", v.Source, v.Reason)
	}
	if err := cl.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	v = run(0, nil)
	if v.Source != workload.SourceReset || v.Reason == "" {
		t.Fatalf("after a restart: source %q, reason %q", v.Source, v.Reason)
	}
	t.Logf("after a restart: %s", v.Reason)
}

// TestWorkloadViewOnCatalogSession: without a window the first snapshot is the last, and
// the view's texts are read on the catalog session right after it, not at the end on
// the session of an own-session check (L003's holds a cache entry per sequence read).
func TestWorkloadViewOnCatalogSession(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"log_statement": "'all'"}})
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements; CREATE TABLE w (id int)")
	cl.MustExec(t, "postgres", "SELECT count(*) FROM w")
	var mu sync.Mutex
	var log []string
	var got []*workload.View
	list := []checks.Check{ownProbe{id: "T003", kind: checks.CatalogSession, mu: &mu, log: &log},
		ownProbe{id: "T004", kind: checks.OwnSession, mu: &mu, log: &log}, seesView{&got}}
	cfg := quick(t, []Target{target(t, "n", cl.ConnString("postgres"))}, list)
	if _, _, err := runWithin(t, context.Background(), time.Minute, cfg); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] == nil || got[0].Texts == nil || len(got[0].Texts.ByID) == 0 {
		t.Fatalf("views %+v: no texts", got)
	}
	pids := map[string]string{}
	for _, line := range log {
		var id string
		var pid int
		if _, err := fmt.Sscanf(line, "%s pid=%d", &id, &pid); err != nil {
			t.Fatal(err)
		}
		pids[id] = fmt.Sprint(pid)
	}
	b, err := os.ReadFile(cl.LogFile())
	if err != nil {
		t.Fatal(err)
	}
	// the texts statement, logged as "... [pid] ...: execute <name>: /* pgcheckup K001 */"
	// with the query on the lines after
	var textsPid string
	for _, entry := range regexp.MustCompile(`(?m)^\S+ \S+ \S+ \[`).Split(string(b), -1) {
		if strings.Contains(entry, "pgcheckup K001") && strings.Contains(entry, "pg_stat_statements(true)") {
			textsPid, _, _ = strings.Cut(entry, "]")
		}
	}
	if textsPid == "" || textsPid != pids["T003"] || textsPid == pids["T004"] {
		t.Errorf("texts read by backend %q; catalog session %s, own session %s", textsPid, pids["T003"], pids["T004"])
	}
}
