// Package m002 lists the statements that return or change the most rows per call over the
// workload window (pg_stat_statements deltas): unpaginated listings, filters applied in the
// application, mass updates.
package m002

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/checks/m001/mseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is M002.
type Check struct{ cfg Config }

// Config holds M002's settings.
type Config struct {
	TopN int `toml:"top_n"` // statement groups listed
	// RowsPerCall and MinCalls: a listed group returning or changing at least
	// RowsPerCall rows per call over at least MinCalls calls is a finding.
	RowsPerCall float64 `toml:"rows_per_call"`
	MinCalls    int64   `toml:"min_calls"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	if c.TopN < 1 {
		return errors.New("top_n must be at least 1")
	}
	return nil
}

// New returns M002 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20, RowsPerCall: 10000, MinCalls: 10}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "M002", Title: "Top statements by rows per call", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: M002 sends nothing; it reads the pipeline's workload
// view (internal/workload).
func (c *Check) Queries() []checks.Query { return nil }

// Data is what M002 reports.
type Data struct {
	Window   kseries.Window   `json:"window"`
	Settings mseries.Settings `json:"settings"`
	TopN     int              `json:"top_n"`
	Rows     []mseries.Row    `json:"rows"`
	Others   *mseries.Row     `json:"others"`
	Total    mseries.Row      `json:"total"`
	// RowsPerCall and MinCalls are the finding's thresholds, for the template.
	RowsPerCall float64 `json:"rows_per_call"`
	MinCalls    int64   `json:"min_calls"`
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
	d := Data{Window: kseries.WindowOf(v), Settings: mseries.SettingsOf(v), TopN: cfg.TopN, RowsPerCall: cfg.RowsPerCall,
		MinCalls: cfg.MinCalls}
	d.Rows, d.Others = mseries.Rows(v, workload.List(v, workload.ByRowsPerCall, cfg.TopN), nil)
	d.Total = mseries.Totals(d.Rows, d.Others, d.Window.Seconds)
	return d
}

func analyze(d Data, cfg Config) []checks.Finding {
	var many []mseries.Row
	for _, r := range d.Rows {
		if r.RowsPerCall >= cfg.RowsPerCall && r.Calls >= cfg.MinCalls && r.Calls > 0 {
			many = append(many, r)
		}
	}
	if len(many) == 0 {
		return nil
	}
	s := many[0]
	atLeast := ""
	if len(many) == len(d.Rows) && d.Others != nil {
		atLeast = "at least " // every listed group is over: more may be among the others
	}
	return []checks.Finding{{Code: "M002/many-rows-per-call", Severity: checks.P3, Count: len(many),
		Conclusion: fmt.Sprintf("%s%d statement group(s) returned or changed %s rows or more per call over at least %d calls %s; "+
			"the first, %s, %s rows per call over %d calls (%.0f%% of the statement time).",
			atLeast, len(many), fmtNum(cfg.RowsPerCall), cfg.MinCalls, kseries.Span(d.Window),
			mseries.StatementName(s), fmtNum(s.RowsPerCall), s.Calls, s.TimePercent),
		Recommendation: "A SELECT that returns this many rows per call is often a listing without a " + checks.Code("LIMIT") +
			" or a filter the application applies after fetching: page it (keyset pagination: " +
			checks.Code("WHERE id > $1 ORDER BY id LIMIT 100") + "), or move the filter or aggregate into the query. " +
			"An UPDATE or DELETE touching this many rows per call holds its locks and writes its WAL in one transaction: " +
			"batch it. An export or a batch job may need every row: then judge by its time (K003) and calls per second."}}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
