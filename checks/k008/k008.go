// Package k008 lists the statements that touched the most shared blocks, hit or read,
// over the workload window, with each one's hit ratio, and judges the hit ratio of the
// whole workload.
package k008

import (
	"context"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K008.
type Check struct{ cfg Config }

// Config holds K008's settings.
type Config = kseries.HitConfig

// New returns K008 with its defaults.
func New() *Check { return &Check{cfg: kseries.DefaultHitConfig()} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K008", Title: "Top statements by shared blocks hit and read", Scope: checks.Cluster, Doc: doc,
		Workload: true}
}

// Queries implements checks.Check: K008 sends nothing; the pipeline's workload view
// (internal/workload) holds what it reads.
func (c *Check) Queries() []checks.Query { return nil }

// Data is what K008 reports.
type Data struct {
	kseries.Listing
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, skip := kseries.Usable(t.Workload)
	if skip != nil {
		return &checks.Outcome{Skip: skip}, nil
	}
	d := Data{kseries.Build(v, kseries.Spec{Measure: "shared blocks hit and read", Unit: kseries.UnitBlocks,
		Value: workload.ByHitAndRead, TopN: c.cfg.TopN, HitColumn: true})}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// analyze judges the hit ratio of every statement together.
func analyze(d Data, cfg Config) []checks.Finding {
	low, ratio, rate := cfg.LowHit(d.TotalSharedHit, d.TotalSharedRead, d.Window.Seconds, d.BlockSize)
	if !low {
		return nil
	}
	atLeast := ""
	if d.Window.LowerBound {
		atLeast = "at least "
	}
	return []checks.Finding{{Code: "K008/low-hit-ratio", Severity: checks.P3,
		Conclusion: fmt.Sprintf("The statements found only %.1f%% of the shared blocks they touched in shared buffers %s: "+
			"they read %s%s from outside them (%s/s).", ratio, kseries.Span(d.Window), atLeast,
			checks.Bytes(d.TotalSharedRead*d.BlockSize), checks.Bytes(int64(rate))),
		Recommendation: kseries.HitRecommendation}}
}

const doc = `Lists the statement groups that touched the most shared blocks, found in shared buffers or
read from outside them (` + "`shared_blks_hit + shared_blks_read`" + ` of ` + "`pg_stat_statements`" + `), over the
workload window, highest first: the top ` + "`top_n`" + ` (default 20) and one row for all the others, so the
shares add up to 100%; each row and the total give the hit ratio, hit / (hit + read). A read
from outside shared buffers may still come from the operating system's page cache: the ratio
says how much of the work shared buffers hold, not how much went to disk (M003 gives the I/O
time where ` + "`track_io_timing`" + ` is on).

Bytes are blocks × 8192 (the default block size, since the workload view does not carry the
server's ` + "`block_size`" + `), per second of the window and per call. Statements that differ only by user or
database are one group. pgcheckup's own statements are left out. K006 ranks by blocks read,
K007 by blocks hit.

The numbers are deltas between two snapshots of ` + "`pg_stat_statements`" + ` (` + "`run --window`" + `, or against the
previous run of the same node), or the totals since the statistics were reset, labelled as such
(K001 says why). A value marked ≥ is a lower bound.

- **P3** the hit ratio of all statements together is below ` + kseries.HitDoc + ` (K006 names the statements).`
