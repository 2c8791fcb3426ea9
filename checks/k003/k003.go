// Package k003 lists the statements that took the most time (execution plus planning)
// over the workload window, from the deltas of pg_stat_statements the pipeline measured,
// with their texts normalized, and the rest summed in one row so that the shares add up
// to 100%.
package k003

import (
	"context"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/k001"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K003.
type Check struct{ cfg Config }

// Config holds K003's settings.
type Config struct {
	TopN int `toml:"top_n"` // statement groups listed
	// DominantPercent: one group taking more than this share of the window's statement
	// time is a P3, when the window holds at least MinTotalSeconds of statement time.
	DominantPercent float64 `toml:"dominant_percent"`
	MinTotalSeconds float64 `toml:"min_total_seconds"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	switch {
	case c.TopN < 1 || c.TopN > 1000:
		return fmt.Errorf("top_n must be 1 to 1000, not %d", c.TopN)
	case c.DominantPercent > 100:
		return fmt.Errorf("dominant_percent must be at most 100, not %g", c.DominantPercent)
	}
	return nil
}

// New returns K003 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20, DominantPercent: 30, MinTotalSeconds: 1}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K003", Title: "Top statements by total time", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: none, the pipeline's snapshots are K003's data.
func (c *Check) Queries() []checks.Query { return nil }

// Statement is one statement group of the listing: the entries of pg_stat_statements
// whose texts have the same fingerprint (one query run by several roles or in several
// databases), or one entry whose text is unknown.
type Statement struct {
	// QueryID, User and Database are the group's part with the most time; QueryID is nil
	// for the sum of other roles' entries the role may not see (Hidden).
	QueryID  *int64           `json:"queryid,string"`
	Hidden   bool             `json:"hidden"`
	Database checks.Name      `json:"database"`
	User     checks.Name      `json:"user"`
	Query    checks.QueryText `json:"query"`
	Type     checks.Label     `json:"type"`
	// Parts are the group's entries, by time (the first MaxParts); PartsTotal counts all.
	Parts      []Part `json:"parts,omitempty"`
	PartsTotal int    `json:"parts_total"`

	Calls        int64           `json:"calls"`
	TotalMS      float64         `json:"total_ms"` // execution + planning
	ExecMS       float64         `json:"exec_ms"`
	PlanMS       float64         `json:"plan_ms"`
	MeanMS       float64         `json:"mean_ms"`       // per call
	MSPerSecond  float64         `json:"ms_per_second"` // per second of the window: 1000 keeps one session busy
	CallsPerSec  float64         `json:"calls_per_second"`
	Rows         checks.Estimate `json:"rows"`
	SharedHit    int64           `json:"shared_blks_hit"`
	SharedRead   int64           `json:"shared_blks_read"`
	TempWritten  int64           `json:"temp_blks_written"`
	IOReadMS     float64         `json:"io_read_ms"`
	IOWriteMS    float64         `json:"io_write_ms"`
	SharePercent float64         `json:"share_percent"` // of the window's statement time
}

// Part is one entry of a group.
type Part struct {
	QueryID  *int64      `json:"queryid,string"`
	Database checks.Name `json:"database"`
	User     checks.Name `json:"user"`
	Calls    int64       `json:"calls"`
	TotalMS  float64     `json:"total_ms"`
}

// MaxParts is how many parts of a group are listed.
const MaxParts = 5

// Others is the "all other statements" row.
type Others struct {
	Groups       int     `json:"groups"`
	Calls        int64   `json:"calls"`
	TotalMS      float64 `json:"total_ms"`
	SharePercent float64 `json:"share_percent"`
}

// Data is what K003 reports.
type Data struct {
	Window k001.Window `json:"window"`
	// TotalMS is the statement time of the window (pgcheckup's own left out), the 100%.
	TotalMS float64 `json:"total_ms"`
	// Statements counts the statement groups that took time or were called.
	Statements int64       `json:"statements"`
	Top        []Statement `json:"top"`
	Others     Others      `json:"others"`
	// User is the role pgcheckup ran as (for the GRANT that shows other roles' texts).
	User checks.Name `json:"user"`
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v := k001.Usable(t.Workload)
	if v == nil {
		return &checks.Outcome{Skip: k001.Skip(t.Workload, t.Node.Database)}, nil
	}
	d := build(v, c.cfg.TopN)
	d.User = checks.Name(t.Node.User)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func build(v *workload.View, n int) Data {
	d := Data{Window: k001.Facts(v)}
	l := workload.List(v, workload.ByTime, n)
	d.TotalMS = l.Total
	d.Statements = int64(len(l.Rows) + l.OthersGroups)
	secs := d.Window.Seconds
	per := func(x float64) float64 {
		if secs <= 0 {
			return 0
		}
		return x / secs
	}
	share := func(x float64) float64 {
		if l.Total <= 0 {
			return 0
		}
		return 100 * x / l.Total
	}
	for _, g := range l.Rows {
		s := Statement{Query: g.Query, Type: g.Type, PartsTotal: len(g.Parts), Calls: g.Calls, TotalMS: g.TimeMS(),
			ExecMS: g.ExecMS, PlanMS: g.PlanMS, MSPerSecond: per(g.TimeMS()), CallsPerSec: per(float64(g.Calls)),
			Rows: checks.Estimate(g.Rows), SharedHit: g.SharedHit, SharedRead: g.SharedRead, TempWritten: g.TempWritten,
			IOReadMS: g.BlkReadMS + g.TempBlkReadMS, IOWriteMS: g.BlkWriteMS + g.TempBlkWriteMS, SharePercent: share(g.TimeMS())}
		if g.Calls > 0 {
			s.MeanMS = g.TimeMS() / float64(g.Calls)
		}
		for i, p := range g.Parts {
			part := Part{Database: v.Databases[p.DBID], User: v.Users[p.UserID], Calls: p.Calls, TotalMS: p.TimeMS()}
			if !p.Hidden {
				id := p.QueryID
				part.QueryID = &id
			}
			if i == 0 {
				s.QueryID, s.Hidden, s.Database, s.User = part.QueryID, p.Hidden, part.Database, part.User
			}
			if len(g.Parts) > 1 && i < MaxParts {
				s.Parts = append(s.Parts, part)
			}
		}
		d.Top = append(d.Top, s)
	}
	d.Others = Others{Groups: l.OthersGroups, Calls: l.Others.Calls, TotalMS: l.Others.TimeMS(), SharePercent: share(l.Others.TimeMS())}
	return d
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	if d.Statements > 1 && d.TotalMS >= 1000*cfg.MinTotalSeconds {
		for i, s := range d.Top {
			if s.SharePercent <= cfg.DominantPercent {
				break // by time, highest first
			}
			plan := ""
			if !d.Window.PlanTracked {
				plan = " (execution only: planning time is not tracked)"
			}
			out = append(out, checks.Finding{Code: "K003/dominant-statement", Severity: checks.P3,
				Conclusion: fmt.Sprintf("One statement (#%d in the table, %s) took %.0f%% of the statement time %s%s: %s in %s calls, mean %s.",
					i+1, ident(s), s.SharePercent, window(d.Window), plan, checks.Millis(s.TotalMS), checks.Num(float64(s.Calls)), checks.Millis(s.MeanMS)),
				Recommendation: "Optimizing this statement is the cheapest way to reduce the load: check its plan with " +
					checks.Code("EXPLAIN (ANALYZE, BUFFERS)") + " on a copy, its indexes, and whether the application needs to run it that often."})
		}
	}
	if d.Window.Hidden > 0 {
		out = append(out, checks.Finding{Code: "K003/texts-hidden", Severity: checks.Info,
			Conclusion: fmt.Sprintf("%d entries belong to other roles, and role %s may not see their texts and queryids "+
				"(it lacks %s); their times and calls are listed as hidden and counted in the totals.",
				d.Window.Hidden, checks.Code(string(d.User)), checks.Code("pg_read_all_stats")),
			Recommendation: "To see them: " + checks.Code("GRANT pg_read_all_stats TO "+checks.QuoteIdent(string(d.User))+";") +
				" (or " + checks.Code("pg_monitor") + ", which includes it)."})
	}
	return out
}

// window names the period of the numbers in a sentence.
func window(w k001.Window) string {
	if w.Source == checks.Label(workload.SourceReset) {
		return fmt.Sprintf("since the statistics began (%s; no window was measured)", checks.Duration(w.Seconds))
	}
	return fmt.Sprintf("in the %s window", checks.Duration(w.Seconds))
}

// ident names a statement in a finding.
func ident(s Statement) string {
	if s.QueryID == nil {
		return "other roles' statements, text hidden"
	}
	return fmt.Sprintf("queryid %d", *s.QueryID)
}
