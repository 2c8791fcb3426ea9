// Package m003 lists the statements that spent the most time on I/O over the workload
// window (pg_stat_statements block read, write and temporary-file times): the ones that
// wait on storage. Without track_io_timing those times are zero, and M003 says so.
package m003

import (
	"context"
	"errors"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/checks/m001/mseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is M003.
type Check struct{ cfg Config }

// Config holds M003's settings.
type Config struct {
	TopN int `toml:"top_n"` // statement groups listed
	// IOPercent and MinTimeMS: I/O taking at least IOPercent of the window's statement
	// time, when that time is at least MinTimeMS, is a finding.
	IOPercent float64 `toml:"io_percent"`
	MinTimeMS float64 `toml:"min_time_ms"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	switch {
	case c.TopN < 1:
		return errors.New("top_n must be at least 1")
	case c.IOPercent > 100:
		return errors.New("io_percent must be at most 100")
	}
	return nil
}

// New returns M003 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20, IOPercent: 50, MinTimeMS: 10000}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "M003", Title: "Top statements by I/O time", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: M003 sends nothing; it reads the pipeline's workload
// view (internal/workload).
func (c *Check) Queries() []checks.Query { return nil }

// Data is what M003 reports.
type Data struct {
	Window   kseries.Window   `json:"window"`
	Settings mseries.Settings `json:"settings"`
	// NotMeasured: track_io_timing is off (or unknown) and no I/O time was counted in the
	// window: the times would be zeros, so no row is listed.
	NotMeasured bool          `json:"not_measured,omitempty"`
	TopN        int           `json:"top_n"`
	Rows        []mseries.Row `json:"rows"`
	Others      *mseries.Row  `json:"others"`
	Total       mseries.Row   `json:"total"`
	// IOPercent is the window's I/O time over its statement time.
	IOPercent float64 `json:"io_percent"`
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
	d := Data{Window: kseries.WindowOf(v), Settings: mseries.SettingsOf(v), TopN: cfg.TopN}
	d.Rows, d.Others = mseries.Rows(v, workload.List(v, workload.ByIOTime, cfg.TopN), workload.ByIOTime)
	d.Total = mseries.Totals(d.Rows, d.Others, d.Window.Seconds)
	if d.Total.TimeMS > 0 {
		d.IOPercent = 100 * d.Total.IOTimeMS / d.Total.TimeMS
	}
	if d.Total.IOTimeMS == 0 && d.Settings.TrackIOTiming != "on" {
		d.NotMeasured, d.Rows, d.Others = true, nil, nil
	}
	return d
}

func analyze(d Data, cfg Config) []checks.Finding {
	if d.NotMeasured {
		why := "`track_io_timing` is off"
		if d.Settings.TrackIOTiming != "off" {
			why = "`track_io_timing` could not be read and no I/O time was counted"
		}
		return []checks.Finding{{Code: "M003/io-timing-off", Severity: checks.Info,
			Conclusion: "The statements' I/O times are unknown, because " + why + ": " + "pg_stat_statements counts them " +
				"only with it on. M003 lists nothing rather than zeros; K006 still ranks the blocks read.",
			Recommendation: "Measure the clock's cost with " + checks.Code("pg_test_timing") + " (under 100 ns per call is " +
				"cheap), then " + checks.Code("ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();")}}
	}
	if d.Total.TimeMS < cfg.MinTimeMS || d.IOPercent < cfg.IOPercent || d.Total.IOTimeMS == 0 {
		return nil
	}
	top := ""
	if len(d.Rows) > 0 {
		r := d.Rows[0]
		top = fmt.Sprintf(" The most, %s, %s of I/O (%.0f%% of it).", mseries.StatementName(r), checks.Duration(r.IOTimeMS/1000), r.SharePercent)
	}
	return []checks.Finding{{Code: "M003/io-bound", Severity: checks.P3,
		Conclusion: fmt.Sprintf("Statements spent %.0f%% of their time %s on I/O (%s of %s): the workload waits on storage.%s",
			d.IOPercent, kseries.Span(d.Window), checks.Duration(d.Total.IOTimeMS/1000), checks.Duration(d.Total.TimeMS/1000), top),
		Recommendation: "See which statements read the most blocks (K006) and their hit ratio (K008): an index that " +
			"avoids a scan, or " + checks.Code("shared_buffers") + " (and the server's memory) sized to the working set, " +
			"turn reads into hits. Reads and writes counted here include those served by the operating system's cache; " +
			"high times mean the storage itself was slow or saturated."}}
}
