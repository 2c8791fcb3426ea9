// Package n001 shows what the node's sessions waited on during the workload window:
// pg_stat_activity sampled at a fixed interval (workload.SampleWaits), grouped by wait
// event, with the statements that waited.
package n001

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is N001.
type Check struct{ cfg Config }

// Config holds N001's settings.
type Config struct {
	TopN          int `toml:"top_n"`          // wait events listed
	TopStatements int `toml:"top_statements"` // statements listed per wait event
	// LockPercent and MinSessionSamples: heavyweight-lock waits (type Lock) in at least
	// LockPercent of the active-session samples, of at least MinSessionSamples, are a
	// finding.
	LockPercent       float64 `toml:"lock_percent"`
	MinSessionSamples int     `toml:"min_session_samples"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	switch {
	case c.TopN < 1 || c.TopStatements < 1:
		return errors.New("top_n and top_statements must be at least 1")
	case c.LockPercent > 100:
		return errors.New("lock_percent must be at most 100")
	}
	return nil
}

// New returns N001 with its defaults.
func New() *Check {
	return &Check{cfg: Config{TopN: 20, TopStatements: 5, LockPercent: 20, MinSessionSamples: 10}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "N001", Title: "Wait events during the window", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: the statements the pipeline sends while it samples
// for N001 during the window (workload.SampleWaits); Run itself sends nothing.
func (c *Check) Queries() []checks.Query { return workload.WaitQueries() }

// Data is what N001 reports.
type Data struct {
	Window          kseries.Window `json:"window"`
	IntervalSeconds float64        `json:"interval_seconds"`
	Samples         int            `json:"samples"`
	// SessionSamples is the active sessions summed over the samples; AvgActive that over
	// Samples: how many sessions were active at a time, on average.
	SessionSamples int     `json:"session_samples"`
	AvgActive      float64 `json:"avg_active"`
	// QueryIDs: the samples carried queryids (14 and newer with compute_query_id on).
	QueryIDs bool `json:"queryids"`
	// OwnSessionsOnly: the role lacks pg_read_all_stats, so other roles' sessions were
	// not seen.
	OwnSessionsOnly bool    `json:"own_sessions_only,omitempty"`
	Events          []Event `json:"events"`
	MoreEvents      int     `json:"more_events,omitempty"`
	MoreEventsCount int     `json:"more_events_count,omitempty"`
}

// Event is one wait event (or CPU) with the statements seen in it.
type Event struct {
	Type      checks.Label `json:"type"`
	Event     checks.Label `json:"event"`
	Count     int          `json:"count"`   // session-samples
	Percent   float64      `json:"percent"` // of SessionSamples
	AvgActive float64      `json:"avg_active"`
	// Statements are the statements seen waiting in it, most first; MoreStatements
	// counts the session-samples of the others (queryid 0 included: unknown).
	Statements     []Statement `json:"statements"`
	MoreStatements int         `json:"more_statements,omitempty"`
}

// Statement is one queryid seen in a wait event.
type Statement struct {
	QueryID int64            `json:"queryid,string"`
	Query   checks.QueryText `json:"query"`
	Type    checks.Label     `json:"type,omitempty"`
	Count   int              `json:"count"`
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, _ := t.Workload.(*workload.View)
	switch {
	case v == nil || v.Waits == nil:
		return &checks.Outcome{Skip: &checks.Skip{Reason: "no wait-event samples: they are taken only during a workload window",
			Hint: "run pgcheckup with --window 10m"}}, nil
	case v.Waits.Samples == 0:
		return &checks.Outcome{Skip: &checks.Skip{Reason: "the window ended before a wait-event sample was taken",
			Hint: "a longer --window"}}, nil
	}
	d := collect(v, !t.Node.PGReadAllData, c.cfg)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func collect(v *workload.View, ownOnly bool, cfg Config) Data {
	p := v.Waits
	d := Data{Window: kseries.WindowOf(v), IntervalSeconds: p.Interval.Seconds(), Samples: p.Samples, OwnSessionsOnly: ownOnly}
	type key struct{ typ, event checks.Label }
	at := map[key]int{}
	var events []Event
	for _, w := range p.Waits { // most first
		d.SessionSamples += w.Count
		d.QueryIDs = d.QueryIDs || w.QueryID != 0
		k := key{w.Type, w.Event}
		i, ok := at[k]
		if !ok {
			i = len(events)
			at[k] = i
			events = append(events, Event{Type: w.Type, Event: w.Event})
		}
		e := &events[i]
		e.Count += w.Count
		if w.QueryID == 0 || len(e.Statements) == cfg.TopStatements {
			e.MoreStatements += w.Count
			continue
		}
		s := Statement{QueryID: w.QueryID, Count: w.Count}
		if v.Texts != nil {
			if t, ok := v.Texts.ByID[w.QueryID]; ok {
				s.Query, s.Type = t.Query, t.Type
			}
		}
		e.Statements = append(e.Statements, s)
	}
	slices.SortStableFunc(events, func(a, b Event) int { return cmp.Compare(b.Count, a.Count) })
	for i := range events {
		events[i].Percent = 100 * float64(events[i].Count) / float64(d.SessionSamples)
		events[i].AvgActive = float64(events[i].Count) / float64(d.Samples)
		if i >= cfg.TopN {
			d.MoreEvents++
			d.MoreEventsCount += events[i].Count
		}
	}
	d.Events = events[:min(len(events), cfg.TopN)]
	d.AvgActive = float64(d.SessionSamples) / float64(d.Samples)
	return d
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	if d.OwnSessionsOnly {
		out = append(out, checks.Finding{Code: "N001/own-sessions-only", Severity: checks.Info,
			Conclusion: "Only pgcheckup's role's own sessions were sampled: without " + checks.Code("pg_read_all_stats") +
				" other roles' sessions show no state or wait event in " + checks.Code("pg_stat_activity") + ". The profile is incomplete.",
			Recommendation: checks.Code("GRANT pg_monitor TO <role>;") + " (or " + checks.Code("pg_read_all_stats") + ") for the role pgcheckup runs as."})
	}
	lock := 0
	for _, e := range d.Events {
		if e.Type == "Lock" {
			lock += e.Count
		}
	}
	if d.SessionSamples < cfg.MinSessionSamples || lock == 0 {
		return out
	}
	if pct := 100 * float64(lock) / float64(d.SessionSamples); pct >= cfg.LockPercent {
		out = append(out, checks.Finding{Code: "N001/lock-waits", Severity: checks.P3,
			Conclusion: fmt.Sprintf("Active sessions waited on heavyweight locks in %.0f%% of the samples (%d of %d session-samples, "+
				"%.2f sessions at a time on average) %s.", pct, lock, d.SessionSamples, float64(lock)/float64(d.Samples), kseries.Span(d.Window)),
			Recommendation: "Find the blockers while it happens: " + checks.Code("SELECT pid, pg_blocking_pids(pid), wait_event, query FROM pg_stat_activity WHERE wait_event_type = 'Lock'") +
				". Long transactions holding row locks, DDL queued behind them (set " + checks.Code("lock_timeout") +
				" for migrations), and hot rows updated by many sessions are the usual causes; " + checks.Code("log_lock_waits = on") + " logs waits over " + checks.Code("deadlock_timeout") + "."})
	}
	return out
}
