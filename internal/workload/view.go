package workload

import (
	"sync"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Sources of a View's numbers.
const (
	// SourceWindow: two snapshots of this run, --window apart.
	SourceWindow = "window"
	// SourcePrevious: this run's snapshot against the newest earlier run's of the same
	// node, from the same server life.
	SourcePrevious = "previous run"
	// SourceReset: no window could be made; the counters since the statistics began
	// (the last reset, or the server's start), labelled as such.
	SourceReset = "since reset"
	// SourceNone: pg_stat_statements could not be read (Reason says why).
	SourceNone = "none"
)

// View is what the workload checks (K001-K008, M001-M003, N001) get of one node, through
// checks.Target.Workload. The pipeline builds it once per node after the other checks
// ran; the checks only read it.
type View struct {
	Source string
	// Reason says why Source is not SourceWindow or SourcePrevious (no previous run, the
	// server restarted since, a reset of pg_stat_statements...), or why there is nothing.
	Reason string
	// Window holds the deltas (for SourceReset, the counters since the reset, as deltas
	// from an empty snapshot). Nil with SourceNone.
	Window *Window
	// Texts are the texts of the statements the checks may list; Texts.Own marks
	// pgcheckup's own statements, which the checks leave out.
	Texts *Texts
	// Users and Databases name the OIDs of the listed statements.
	Users, Databases map[uint32]checks.Name
	// Requested is the --window asked for; EndedEarly says an interrupt ended it early.
	Requested  time.Duration
	EndedEarly bool
	// Waits are the wait-event samples taken on the node during the window (N001); nil
	// without a window.
	Waits *WaitProfile

	groupOnce sync.Once
	groups    []Group // see grouped
}

// WaitProfile is what sampling pg_stat_activity during a window gave.
type WaitProfile struct {
	Interval time.Duration
	Samples  int
	// Waits counts, per wait event and queryid (0 where the server does not expose it),
	// how many sampled sessions were in it.
	Waits []Wait
}

// Wait is one wait event (or CPU: an active session not waiting) seen in the samples.
type Wait struct {
	Type    checks.Label `json:"type"`  // wait_event_type; "CPU" for an active session not waiting
	Event   checks.Label `json:"event"` // wait_event
	QueryID int64        `json:"queryid,string"`
	Count   int          `json:"count"` // session-samples
}
