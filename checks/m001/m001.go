// Package m001 lists the statements with the highest mean time per call over the
// workload window (pg_stat_statements deltas): the slow ones, whatever their count.
package m001

import (
	"context"
	"errors"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/checks/m001/mseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is M001.
type Check struct{ cfg Config }

// Config holds M001's settings.
type Config struct {
	TopN int `toml:"top_n"` // statement groups listed
	// SlowMeanMS and MinCalls: a listed group averaging at least SlowMeanMS per call
	// over at least MinCalls calls is a finding.
	SlowMeanMS float64 `toml:"slow_mean_ms"`
	MinCalls   int64   `toml:"min_calls"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	if c.TopN < 1 {
		return errors.New("top_n must be at least 1")
	}
	return nil
}

// New returns M001 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20, SlowMeanMS: 1000, MinCalls: 10}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "M001", Title: "Top statements by mean time", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: M001 sends nothing; it reads the pipeline's workload
// view (internal/workload).
func (c *Check) Queries() []checks.Query { return nil }

// Data is what M001 reports.
type Data struct {
	Window   kseries.Window   `json:"window"`
	Settings mseries.Settings `json:"settings"`
	TopN     int              `json:"top_n"`
	Rows     []mseries.Row    `json:"rows"`
	Others   *mseries.Row     `json:"others"`
	Total    mseries.Row      `json:"total"`
	// SlowMeanMS and MinCalls are the finding's thresholds, for the template.
	SlowMeanMS float64 `json:"slow_mean_ms"`
	MinCalls   int64   `json:"min_calls"`
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, skip := kseries.Usable(t.Workload)
	if skip != nil {
		return &checks.Outcome{Skip: skip}, nil
	}
	d := collect(v, c.cfg)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func collect(v *workload.View, cfg Config) Data {
	d := Data{Window: kseries.WindowOf(v), Settings: mseries.SettingsOf(v), TopN: cfg.TopN, SlowMeanMS: cfg.SlowMeanMS,
		MinCalls: cfg.MinCalls}
	d.Rows, d.Others = mseries.Rows(v, workload.List(v, workload.ByMeanTime, cfg.TopN), nil)
	d.Total = mseries.Totals(d.Rows, d.Others, d.Window.Seconds)
	return d
}

func analyze(d Data, cfg Config) []checks.Finding {
	var slow []mseries.Row
	for _, r := range d.Rows {
		if r.MeanMS >= cfg.SlowMeanMS && r.Calls >= cfg.MinCalls && r.Calls > 0 {
			slow = append(slow, r)
		}
	}
	if len(slow) == 0 {
		return nil
	}
	s := slow[0]
	atLeast := ""
	if len(slow) == len(d.Rows) && d.Others != nil {
		atLeast = "at least " // every listed group is slow: more may be among the others
	}
	what := "execution and planning"
	if d.Settings.TrackPlanning != "on" {
		what = "execution (planning is not tracked)"
	}
	return []checks.Finding{{Code: "M001/slow-statements", Severity: checks.P3, Count: len(slow),
		Conclusion: fmt.Sprintf("%s%d statement group(s) took %s or more per call on average (%s) over at least %d calls %s; "+
			"the slowest, %s, %s per call over %d calls (%.0f%% of the statement time).",
			atLeast, len(slow), checks.Duration(cfg.SlowMeanMS/1000), what, cfg.MinCalls, kseries.Span(d.Window),
			mseries.StatementName(s), checks.Duration(s.MeanMS/1000), s.Calls, s.TimePercent),
		Recommendation: "Look at their plans with " + checks.Code("EXPLAIN (ANALYZE, BUFFERS)") + " on a copy, or log them with " +
			checks.Code("auto_explain") + " (" + checks.Code("auto_explain.log_min_duration") + "): a sequential scan where an " +
			"index would do, a sort or hash spilling to disk (K004), many reads missing the cache (K006), or waits on locks " +
			"(N001). A long mean can also be a report or batch job that is slow by nature: judge with its calls per second."}}
}
