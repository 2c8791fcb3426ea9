package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Workload is how a run measures the workload (checks with Meta.Workload).
type Workload struct {
	// Window, when set, makes the run wait until this long after the first snapshot,
	// then take the second: the checks see the deltas over the window.
	Window time.Duration
	// Stop ends the window early when closed (the first Ctrl-C); the run still reports,
	// saying so.
	Stop <-chan struct{}
	// SampleEvery is the wait-event sampling interval during the window (N001); 0: 1s.
	SampleEvery time.Duration
	// Previous returns the snapshot kept beside the newest earlier report of the same
	// project and node (nil: none), for a delta without a window.
	Previous func(key string) *workload.Snapshot
	// Keep receives each node's last snapshot, to be kept beside the report.
	Keep func(key string, s *workload.Snapshot)
	// Waiting is told when a node starts (true) and stops (false) waiting out the window,
	// so that an interrupt meanwhile can end the window instead of the run.
	Waiting func(bool)
}

// textCandidates is how many statements by each measure get their texts fetched: the
// checks list 20 groups; the margin covers statements that group together.
const textCandidates = 100

// SnapshotKey names a node's kept snapshot: the cluster's system identifier and the
// node's address, which stay the same across runs (an alias may not).
func SnapshotKey(n checks.Node) string {
	return fmt.Sprintf("%s-%s", n.SystemID, n.Host)
}

func hasWorkload(list []checks.Check) bool {
	return slices.ContainsFunc(list, func(c checks.Check) bool { return c.Meta().Workload })
}

// firstSnapshot reads pg_stat_statements on n (see node for when).
func firstSnapshot(ctx context.Context, n *nodeConn) (*workload.Snapshot, time.Time, error) {
	start := time.Now()
	if err := n.ensure(ctx); err != nil {
		return nil, start, err
	}
	s, err := workload.Take(ctx, n)
	if s != nil {
		s.SystemID = n.info.SystemID
	}
	return s, start, err
}

// view builds the node's workload view once its last snapshot is taken (see node): with
// a window, after the other checks ran, it waits out the window (sampling wait events)
// and takes the second snapshot; it makes the deltas (or falls back to the previous
// run's snapshot, or the totals since the reset) and fetches the texts and names the
// checks may list.
func (r nodeRun) view(ctx context.Context, n *nodeConn, list []checks.Check, s1 *workload.Snapshot, started time.Time, s1err error) *workload.View {
	v := &workload.View{Source: workload.SourceNone, Requested: r.wl.Window}
	if s1err != nil {
		v.Reason = s1err.Error()
		return v
	}
	key := SnapshotKey(n.info)
	// The steps after the window run even when an interrupt ended it.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	cur := s1
	if r.wl.Window > 0 {
		v.Waits, v.EndedEarly = r.wait(ctx, n, started.Add(r.wl.Window))
		if err := n.ensure(wctx); err != nil {
			v.Reason = "second snapshot: " + err.Error()
			return v
		}
		s2, err := workload.Take(wctx, n)
		if err != nil {
			v.Reason = "second snapshot: " + err.Error()
			return v
		}
		s2.SystemID = n.info.SystemID
		cur = s2
		if w, err := workload.Delta(s1, s2); err == nil {
			v.Source, v.Window = workload.SourceWindow, w
		} else {
			v.Reason = err.Error()
		}
	} else if r.wl.Previous != nil {
		if prev := r.wl.Previous(key); prev == nil {
			v.Reason = "no window (--window) and no earlier report of this project with a snapshot of this node"
		} else if w, err := workload.Delta(prev, s1); err == nil {
			v.Source, v.Window = workload.SourcePrevious, w
		} else {
			v.Reason = "the previous run's snapshot cannot be used: " + err.Error()
		}
	} else {
		v.Reason = "no window (--window) and no previous run to compare with"
	}
	if r.wl.Keep != nil {
		r.wl.Keep(key, cur)
	}
	if v.Window == nil {
		w, err := workload.Delta(sinceReset(cur), cur)
		if err != nil {
			v.Source, v.Reason = workload.SourceNone, v.Reason+"; "+err.Error()
			return v
		}
		v.Source, v.Window = workload.SourceReset, w
	}
	if err := n.ensure(wctx); err != nil {
		return v // the checks list the statements by queryid
	}
	ids := workload.Candidates(v.Window, textCandidates, workload.AllMeasures...)
	if v.Waits != nil {
		ids = append(ids, v.Waits.QueryIDs()...)
	}
	if texts, err := workload.FetchTexts(wctx, n, cur.ExtSchema, ids, workload.OwnFingerprints(cur.ExtSchema, ownSQL(list)), r.texts); err == nil {
		v.Texts = texts
	}
	var users, dbs []uint32
	for _, d := range v.Window.Deltas {
		users, dbs = append(users, d.UserID), append(dbs, d.DBID)
	}
	slices.Sort(users)
	slices.Sort(dbs)
	if u, d, err := workload.Names(wctx, n, slices.Compact(users), slices.Compact(dbs)); err == nil {
		v.Users, v.Databases = u, d
	}
	return v
}

// sinceReset is an empty snapshot at the start of cur's statistics (the last reset, where
// the server tells it, else the server's start): a delta from it is the totals.
func sinceReset(cur *workload.Snapshot) *workload.Snapshot {
	s := *cur
	s.Entries = nil
	s.Taken = cur.PostmasterStart
	if cur.StatsReset != nil && cur.StatsReset.After(s.Taken) {
		s.Taken = *cur.StatsReset
	}
	if cur.Dealloc != nil {
		zero := int64(0)
		s.Dealloc = &zero
	}
	return &s
}

// wait holds the node until the window's end, Stop or the run's end, sampling wait
// events on its session meanwhile. It reports whether the window ended early.
func (r nodeRun) wait(ctx context.Context, n *nodeConn, until time.Time) (*workload.WaitProfile, bool) {
	left := time.Until(until)
	if left <= 0 {
		return nil, false
	}
	wctx, cancel := context.WithDeadline(ctx, until)
	defer cancel()
	go func() {
		select {
		case <-r.wl.Stop:
			cancel()
		case <-wctx.Done():
		}
	}()
	if r.window != nil {
		r.window(n.info.Name, until)
	}
	if r.wl.Waiting != nil {
		r.wl.Waiting(true)
		defer r.wl.Waiting(false)
	}
	every := r.wl.SampleEvery
	if every <= 0 {
		every = time.Second
	}
	prof, _ := sampleWaits(wctx, n, every)
	<-wctx.Done() // the samples may end before the window does
	early := !errors.Is(wctx.Err(), context.DeadlineExceeded) || time.Now().Before(until.Add(-every))
	return prof, early
}

// sampleWaits samples the node's sessions until ctx ends: N001's profile.
func sampleWaits(ctx context.Context, n *nodeConn, every time.Duration) (*workload.WaitProfile, error) {
	if err := n.ensure(ctx); err != nil {
		return nil, err
	}
	max := 1
	if d, ok := ctx.Deadline(); ok {
		max = int(time.Until(d)/every) + 2
	}
	return workload.SampleWaits(ctx, n, every, max)
}

// ownSQL is every statement pgcheckup may send, so its own entries of
// pg_stat_statements can be told apart by fingerprint (PostgreSQL 18 keeps no marker).
func ownSQL(list []checks.Check) []string {
	out := []string{session.NodeQuery, session.SystemIDQuery, session.DatabasesQuery, session.ReplicasQuery, session.CatalogQuery}
	for _, q := range append(workload.Queries(), workload.WaitQueries()...) {
		out = append(out, q.SQL)
	}
	for _, c := range list {
		for _, q := range c.Queries() {
			out = append(out, q.SQL)
		}
	}
	return out
}
