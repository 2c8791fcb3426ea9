package workload

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Status says how far an entry's delta can be trusted.
type Status string

const (
	// Exact: the entry is in both snapshots and its counters grew; the delta is exact.
	Exact Status = "exact"
	// New: the entry appeared after the first snapshot; counted from zero, exact.
	New Status = "new"
	// Restarted: the entry's counters restarted inside the window (reset or evicted and
	// created again; for the hidden sum, entries came and went): counted from the restart,
	// a lower bound.
	Restarted Status = "restarted"
	// Unknown: the entry appeared, but its statistics started before the first snapshot
	// (it was not visible then): its share of the window cannot be told, so it is not
	// counted. UnknownMS bounds its time.
	Unknown Status = "unknown"
)

// EntryDelta is one entry's activity over a window.
type EntryDelta struct {
	Key
	Status        Status `json:"status"`
	HiddenEntries int    `json:"hidden_entries,omitempty"`
	Counters
}

// Window is the workload between two snapshots of one node.
type Window struct {
	// Start is the first snapshot's time, or the reset of pg_stat_statements inside the
	// window when the server says when that was; End is the second snapshot's time.
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Seconds float64   `json:"seconds"`
	// Features are the counters both snapshots have (others are zero in the deltas).
	Features   Features `json:"features"`
	Settings   Settings `json:"settings"` // of the second snapshot
	ExtVersion string   `json:"extension_version"`
	// Reset: pg_stat_statements was reset inside the window. With ResetAt (1.9 and newer)
	// the window starts there and every entry counts from zero; without it (1.7, 1.8: no
	// pg_stat_statements_info) every entry of the first snapshot vanished or restarted,
	// and the deltas are lower bounds.
	Reset   bool       `json:"reset,omitempty"`
	ResetAt *time.Time `json:"reset_at,omitempty"`
	// Deltas are the entries that moved, by total time (exec + plan), highest first.
	Deltas []EntryDelta `json:"deltas"`
	// Totals is the sum of Deltas (every status but Unknown).
	Totals Counters `json:"totals"`

	Entries   int `json:"entries"`   // in the second snapshot
	Idle      int `json:"idle"`      // of them, entries whose counters did not move
	Appeared  int `json:"appeared"`  // entries new in the window (New, and Unknown)
	Vanished  int `json:"vanished"`  // entries of the first snapshot missing from the second
	Restarted int `json:"restarted"` // entries counted from a restart inside the window
	Unknown   int `json:"unknown"`   // entries not counted
	// Deallocated is how many entries pg_stat_statements evicted in the window
	// (pg_stat_statements_info.dealloc, 1.9 and newer): their activity between Start and
	// their eviction is lost, and the picture is incomplete.
	Deallocated *int64 `json:"deallocated,omitempty"`

	// ExactMS is the time of the Exact and New deltas, LowerBoundMS that of the Restarted
	// ones (at least that much), UnknownMS at most the time of the Unknown entries.
	ExactMS      float64 `json:"exact_ms"`
	LowerBoundMS float64 `json:"lower_bound_ms"`
	UnknownMS    float64 `json:"unknown_ms"`
	// Attributed is the share (0 to 1) of the time seen that is attributed to statements:
	// (ExactMS + LowerBoundMS) / (ExactMS + LowerBoundMS + UnknownMS); 1 with no time.
	Attributed float64 `json:"attributed"`
}

// RefusedError is returned when two snapshots cannot give a window, with the reason.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "no workload delta: " + e.Reason }

func refuse(format string, a ...any) error { return &RefusedError{Reason: fmt.Sprintf(format, a...)} }

// Delta returns the workload between prev and cur, two snapshots of the same node taken
// in that order. It refuses snapshots of another cluster or another server life (the
// postmaster restarted in between), and never returns a negative or inflated delta: an
// entry whose counters went down is counted from its restart, one whose history before
// prev cannot be told apart is left out and counted in Unknown.
func Delta(prev, cur *Snapshot) (*Window, error) {
	switch {
	case prev == nil || cur == nil:
		return nil, refuse("a snapshot is missing")
	case prev.SystemID != "" && cur.SystemID != "" && prev.SystemID != cur.SystemID:
		return nil, refuse("the snapshots are of different clusters (system identifier %s, then %s)", prev.SystemID, cur.SystemID)
	case !prev.PostmasterStart.Equal(cur.PostmasterStart):
		return nil, refuse("the server restarted between the snapshots (postmaster started at %s, then at %s)",
			prev.PostmasterStart.UTC().Format(time.RFC3339), cur.PostmasterStart.UTC().Format(time.RFC3339))
	case prev.ServerVersion != cur.ServerVersion:
		return nil, refuse("the server version changed between the snapshots (%d, then %d)", prev.ServerVersion, cur.ServerVersion)
	case !cur.Taken.After(prev.Taken):
		return nil, refuse("the second snapshot (%s) is not later than the first (%s)",
			cur.Taken.UTC().Format(time.RFC3339Nano), prev.Taken.UTC().Format(time.RFC3339Nano))
	}
	w := &Window{Start: prev.Taken, End: cur.Taken, Features: prev.Features.and(cur.Features), Settings: cur.Settings,
		ExtVersion: cur.ExtVersion, Entries: len(cur.Entries)}
	if cur.StatsReset != nil && (prev.StatsReset == nil && cur.StatsReset.After(prev.Taken) ||
		prev.StatsReset != nil && !cur.StatsReset.Equal(*prev.StatsReset)) {
		// Every entry the server holds now was created after the reset.
		w.Reset, w.ResetAt = true, cur.StatsReset
		if cur.StatsReset.After(w.Start) {
			w.Start = *cur.StatsReset
		}
	}
	switch {
	case cur.Dealloc == nil:
	case w.Reset: // the reset also zeroes dealloc
		d := *cur.Dealloc
		w.Deallocated = &d
	case prev.Dealloc != nil && *cur.Dealloc >= *prev.Dealloc:
		d := *cur.Dealloc - *prev.Dealloc
		w.Deallocated = &d
	}
	w.Seconds = w.End.Sub(w.Start).Seconds()

	before := make(map[Key]*Entry, len(prev.Entries))
	users := map[Key]bool{} // (user, db, toplevel) with an entry in prev, visible or not
	hiddenUsers := map[Key]bool{}
	for i := range prev.Entries {
		e := &prev.Entries[i]
		before[e.Key] = e
		u := Key{UserID: e.UserID, DBID: e.DBID, TopLevel: e.TopLevel}
		users[u] = true
		if e.Hidden {
			hiddenUsers[u] = true
		}
	}
	seen := make(map[Key]bool, len(cur.Entries))
	if len(cur.Entries) > 0 {
		w.Deltas = make([]EntryDelta, 0, len(cur.Entries))
	}
	survived, visiblePrev := 0, 0
	for i := range cur.Entries {
		e := &cur.Entries[i]
		seen[e.Key] = true
		c := e.Counters.mask(w.Features)
		d := EntryDelta{Key: e.Key, HiddenEntries: e.HiddenEntries}
		p, ok := before[e.Key]
		switch {
		case w.ResetAt != nil:
			d.Status, d.Counters = New, c
		case !ok:
			w.Appeared++
			d.Status, d.Counters = New, c
			u := Key{UserID: e.UserID, DBID: e.DBID, TopLevel: e.TopLevel}
			switch {
			case e.StatsSince != nil && !e.StatsSince.After(prev.Taken):
				d.Status = Unknown // it existed at prev but was not in it (not visible then)
			case e.StatsSince == nil && !e.Hidden && hiddenUsers[u]:
				d.Status = Unknown // it may be one of prev's hidden entries
			case e.Hidden && users[u]:
				d.Status = Unknown // its entries may be prev's visible ones, with their history
			}
		case e.StatsSince != nil && p.StatsSince != nil && !e.StatsSince.Equal(*p.StatsSince):
			// created again since prev: everything it holds is from the window
			d.Status, d.Counters = Restarted, c
		default:
			diff, grew := c.sub(p.Counters.mask(w.Features))
			switch {
			case grew && (!e.Hidden || e.HiddenEntries == p.HiddenEntries):
				d.Status, d.Counters = Exact, diff
				survived++
			case grew: // hidden entries came and went: the evicted ones' activity is lost
				d.Status, d.Counters = Restarted, diff
			case e.Hidden: // a sum that went down: no telling what is new
				d.Status = Unknown
				d.Counters = c
			default:
				d.Status, d.Counters = Restarted, c
			}
		}
		switch {
		case d.Status == Unknown:
			w.Unknown++
			w.UnknownMS += d.TimeMS()
			continue
		case d.Counters.IsZero():
			w.Idle++
			continue
		case d.Status == Restarted:
			w.Restarted++
			w.LowerBoundMS += d.TimeMS()
		default:
			w.ExactMS += d.TimeMS()
		}
		w.Totals = w.Totals.add(d.Counters)
		w.Deltas = append(w.Deltas, d)
	}
	for i := range prev.Entries {
		if !prev.Entries[i].Hidden {
			visiblePrev++
		}
		if !seen[prev.Entries[i].Key] {
			w.Vanished++
		}
	}
	if w.ResetAt == nil && visiblePrev > 0 && survived == 0 && w.Vanished+w.Restarted > 0 {
		// No pg_stat_statements_info to say so, but no entry kept its counters: a reset.
		w.Reset = true
	}
	if seen := w.ExactMS + w.LowerBoundMS + w.UnknownMS; seen > 0 {
		w.Attributed = (w.ExactMS + w.LowerBoundMS) / seen
	} else {
		w.Attributed = 1
	}
	// sorting indexes, not the large deltas (each move would copy hundreds of bytes)
	order := make([]int, len(w.Deltas))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := &w.Deltas[i], &w.Deltas[j]
		if c := cmp.Compare(b.TimeMS(), a.TimeMS()); c != 0 {
			return c
		}
		return compareKeys(a.Key, b.Key)
	})
	if len(order) > 1 {
		sorted := make([]EntryDelta, len(order))
		for i, j := range order {
			sorted[i] = w.Deltas[j]
		}
		w.Deltas = sorted
	}
	return w, nil
}

func compareKeys(a, b Key) int {
	if c := cmp.Compare(a.QueryID, b.QueryID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.UserID, b.UserID); c != 0 {
		return c
	}
	if c := cmp.Compare(a.DBID, b.DBID); c != 0 {
		return c
	}
	if a.TopLevel != b.TopLevel {
		if a.TopLevel {
			return -1
		}
		return 1
	}
	if a.Hidden != b.Hidden {
		if a.Hidden {
			return 1
		}
		return -1
	}
	return 0
}

// and returns the features both have.
func (f Features) and(o Features) Features {
	return Features{Plan: f.Plan && o.Plan, WAL: f.WAL && o.WAL, TopLevel: f.TopLevel && o.TopLevel,
		Info: f.Info && o.Info, TempIOTiming: f.TempIOTiming && o.TempIOTiming, JIT: f.JIT && o.JIT,
		LocalIOTiming: f.LocalIOTiming && o.LocalIOTiming, StatsSince: f.StatsSince && o.StatsSince,
		WALBuffersFull: f.WALBuffersFull && o.WALBuffersFull, Parallel: f.Parallel && o.Parallel}
}

// mask zeroes the counters f lacks, so that a snapshot of an older extension version
// (ALTER EXTENSION UPDATE in between) does not make a newer counter's history a delta.
func (c Counters) mask(f Features) Counters {
	if !f.Plan {
		c.Plans, c.PlanMS = 0, 0
	}
	if !f.WAL {
		c.WALRecords, c.WALFPI, c.WALBytes = 0, 0, 0
	}
	if !f.TempIOTiming {
		c.TempBlkReadMS, c.TempBlkWriteMS = 0, 0
	}
	if !f.JIT {
		c.JITFunctions, c.JITGenerationMS, c.JITInliningCount, c.JITInliningMS = 0, 0, 0, 0
		c.JITOptimizationCount, c.JITOptimizationMS, c.JITEmissionCount, c.JITEmissionMS = 0, 0, 0, 0
	}
	if !f.JIT || !f.LocalIOTiming { // jit_deform_* came with 1.11
		c.JITDeformCount, c.JITDeformMS = 0, 0
	}
	if !f.LocalIOTiming {
		c.LocalBlkReadMS, c.LocalBlkWriteMS = 0, 0
	}
	if !f.WALBuffersFull {
		c.WALBuffersFull = 0
	}
	if !f.Parallel {
		c.ParallelWorkersToLaunch, c.ParallelWorkersLaunched = 0, 0
	}
	return c
}
