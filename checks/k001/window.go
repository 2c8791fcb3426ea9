package k001

import (
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Window is what every workload check says about where its numbers come from: the
// source, the window's length, how much of it could be attributed to statements, and
// what happened to pg_stat_statements meanwhile. K002 and K003 embed it too.
type Window struct {
	// Source is workload.SourceWindow ("window"), SourcePrevious ("previous run") or
	// SourceReset ("since reset"); Reason says why it is not a window.
	Source checks.Label `json:"source"`
	Reason checks.Text  `json:"reason,omitempty"`
	Start  time.Time    `json:"start"`
	End    time.Time    `json:"end"`
	// Seconds is End - Start: the divisor of every "per second".
	Seconds float64 `json:"seconds"`
	// RequestedSeconds is --window; EndedEarly says an interrupt ended the window sooner.
	RequestedSeconds float64 `json:"requested_seconds,omitempty"`
	EndedEarly       bool    `json:"ended_early,omitempty"`
	// AttributedPercent is the share of the statement time seen in the window that the
	// deltas attribute to statements (the rest belongs to entries whose history before
	// the window cannot be told apart).
	AttributedPercent float64 `json:"attributed_percent"`
	// UnattributedMS bounds the time of those entries; LowerBoundMS is the time of
	// entries counted from a restart inside the window (at least that much).
	UnattributedMS float64 `json:"unattributed_ms,omitempty"`
	LowerBoundMS   float64 `json:"lower_bound_ms,omitempty"`
	// Reset: pg_stat_statements was reset inside the window (ResetAt when the server
	// says when; the window then starts there).
	Reset   bool       `json:"reset,omitempty"`
	ResetAt *time.Time `json:"reset_at,omitempty"`
	// Deallocated is how many entries pg_stat_statements evicted in the window (nil: the
	// extension does not say, before 1.9).
	Deallocated *int64 `json:"deallocated,omitempty"`
	// Entries in the second snapshot; Active moved in the window; Appeared, Vanished,
	// Restarted and Unattributed are counted by the delta.
	Entries      int `json:"entries"`
	Active       int `json:"active"`
	Appeared     int `json:"appeared"`
	Vanished     int `json:"vanished"`
	Restarted    int `json:"restarted"`
	Unattributed int `json:"unattributed"`
	// Own: pgcheckup's own statements, recognized by their texts and left out.
	Own   int     `json:"own"`
	OwnMS float64 `json:"own_ms,omitempty"`
	// Hidden: entries of other roles the role may not see (no queryid, no text); they
	// are counted, listed as hidden.
	Hidden int `json:"hidden,omitempty"`

	ExtensionVersion checks.Text `json:"extension_version"`
	Max              int         `json:"max,omitempty"` // pg_stat_statements.max
	Track            checks.Text `json:"track,omitempty"`
	// PlanTracked: planning time is counted (pg_stat_statements 1.8+ with track_planning
	// on); otherwise every time is execution time only.
	PlanTracked bool `json:"plan_tracked"`
	// PlanCounters: the extension version has planning counters at all (1.8+); before
	// that, track_planning may be a placeholder setting that tracks nothing.
	PlanCounters  bool        `json:"plan_counters"`
	TrackPlanning checks.Text `json:"track_planning,omitempty"`
	// IOTimed: track_io_timing is on, so the I/O times are measured, not zeros.
	IOTimed       bool        `json:"io_timed"`
	TrackIOTiming checks.Text `json:"track_io_timing,omitempty"`
	// WALTracked: the WAL counters exist (pg_stat_statements 1.8, PostgreSQL 13+).
	WALTracked bool `json:"wal_tracked"`
}

// Facts describes v's window. v must have a Window (see Skip).
func Facts(v *workload.View) Window {
	w := v.Window
	f := Window{Source: checks.Label(v.Source), Start: w.Start, End: w.End, Seconds: w.Seconds,
		RequestedSeconds: v.Requested.Seconds(), EndedEarly: v.EndedEarly,
		AttributedPercent: 100 * w.Attributed, UnattributedMS: w.UnknownMS, LowerBoundMS: w.LowerBoundMS,
		Reset: w.Reset, ResetAt: w.ResetAt, Deallocated: w.Deallocated,
		Entries: w.Entries, Active: len(w.Deltas), Appeared: w.Appeared, Vanished: w.Vanished,
		Restarted: w.Restarted, Unattributed: w.Unknown,
		ExtensionVersion: checks.Text(w.ExtVersion), Max: w.Settings.Max, Track: checks.Text(w.Settings.Track),
		TrackPlanning: checks.Text(w.Settings.TrackPlanning), TrackIOTiming: checks.Text(w.Settings.TrackIOTiming),
		WALTracked: w.Features.WAL,
	}
	if v.Source != workload.SourceWindow && v.Source != workload.SourcePrevious {
		f.Reason = checks.Text(v.Reason)
	}
	f.PlanCounters = w.Features.Plan
	f.PlanTracked = w.Features.Plan && on(w.Settings.TrackPlanning)
	f.IOTimed = on(w.Settings.TrackIOTiming)
	for _, d := range w.Deltas {
		switch {
		case d.Hidden:
			f.Hidden += max(d.HiddenEntries, 1)
		case own(v, d):
			f.Own++
			f.OwnMS += d.TimeMS()
		}
	}
	return f
}

func on(setting string) bool { return strings.EqualFold(setting, "on") }

func own(v *workload.View, d workload.EntryDelta) bool {
	return v.Texts != nil && !d.Hidden && v.Texts.Own[d.QueryID]
}

// Usable returns v as a *workload.View with a window, or nil.
func Usable(view any) *workload.View {
	v, _ := view.(*workload.View)
	if v == nil || v.Source == workload.SourceNone || v.Window == nil {
		return nil
	}
	return v
}

// Skip is the skip of a workload check whose View is missing or empty (view as
// checks.Target.Workload has it), with the reason and what would make it run.
func Skip(view any, database string) *checks.Skip {
	v, _ := view.(*workload.View)
	if v == nil {
		return &checks.Skip{Reason: "the workload was not measured in this run (no pg_stat_statements snapshot was taken)",
			Hint: "run pgcheckup run with the workload checks selected; add --window 10m to measure a window"}
	}
	reason := v.Reason
	if reason == "" {
		reason = "pg_stat_statements could not be read"
	}
	s := &checks.Skip{Reason: reason}
	switch {
	case strings.Contains(reason, workload.ErrNotInstalled.Error()):
		s.Hint = "CREATE EXTENSION pg_stat_statements; (in database " + database + ", where pgcheckup connects)"
	case strings.Contains(reason, workload.ErrNotLoaded.Error()):
		s.Hint = "add pg_stat_statements to shared_preload_libraries and restart the server"
	case strings.Contains(strings.ToLower(reason), "permission denied"):
		s.Hint = "GRANT pg_read_all_stats TO the role pgcheckup runs as (or pg_monitor, which includes it)"
	}
	return s
}

// Own reports whether d is one of pgcheckup's own statements (recognized by its text).
func Own(v *workload.View, d workload.EntryDelta) bool { return own(v, d) }
