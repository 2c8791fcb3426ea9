// Package k006 lists the statements that read the most shared blocks from outside
// shared buffers over the workload window (pg_stat_statements shared_blks_read deltas).
package k006

import (
	"context"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K006.
type Check struct{ cfg Config }

// Config holds K006's settings.
type Config = kseries.HitConfig

// New returns K006 with its defaults.
func New() *Check { return &Check{cfg: kseries.DefaultHitConfig()} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K006", Title: "Top statements by shared blocks read", Scope: checks.Cluster, Doc: doc,
		Workload: true}
}

// Queries implements checks.Check: K006 sends nothing; the pipeline's workload view
// (internal/workload) holds what it reads.
func (c *Check) Queries() []checks.Query { return nil }

// Data is what K006 reports.
type Data struct {
	kseries.Listing
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, skip := kseries.Usable(t.Workload)
	if skip != nil {
		return &checks.Outcome{Skip: skip}, nil
	}
	d := Data{kseries.Build(v, kseries.Spec{Measure: "shared blocks read", Unit: kseries.UnitBlocks,
		Value: workload.BySharedRead, TopN: c.cfg.TopN, HitColumn: true})}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// analyze names the listed statements that miss shared buffers on a significant volume.
func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	for _, r := range d.Rows {
		low, ratio, rate := cfg.LowHit(r.SharedHit, r.SharedRead, d.Window.Seconds, d.BlockSize)
		if !low {
			continue
		}
		atLeast := ""
		if r.LowerBound {
			atLeast = "at least "
		}
		out = append(out, checks.Finding{Code: "K006/low-hit-ratio", Severity: checks.P3,
			Conclusion: fmt.Sprintf("%s found only %.1f%% of its shared blocks in shared buffers %s: it read %s%s from outside them "+
				"(%s/s, %s per call over %d calls, %.0f%% of all shared blocks read).",
				kseries.StatementName(r), ratio, kseries.Span(d.Window), atLeast, checks.Bytes(int64(r.Bytes)),
				checks.Bytes(int64(rate)), checks.Bytes(int64(r.BytesPerCall)), r.Calls, r.SharePercent),
			Recommendation: "Look at its plan with " + checks.Code("EXPLAIN (ANALYZE, BUFFERS)") + " on a copy: a sequential scan, " +
				"or an index scan visiting many heap pages, where a better index would read a few. " + kseries.HitRecommendation})
	}
	return out
}

const doc = `Lists the statement groups that read the most shared blocks from outside shared buffers
(` + "`shared_blks_read`" + ` of ` + "`pg_stat_statements`" + `: from the operating system's page cache or from disk) over
the workload window, highest first: the top ` + "`top_n`" + ` (default 20) and one row for all the others, so
the shares add up to 100%.

Each row gives the bytes read (blocks × 8192: the default block size, since the workload view
does not carry the server's ` + "`block_size`" + `), per second of the window and per call, the calls, the
time, the row's shared-buffer hit ratio (hit / (hit + read)), users, databases and the
normalized text. Statements that differ only by user or database are one group. pgcheckup's own
statements are left out. K007 ranks by blocks found in shared buffers, K008 by both.

The numbers are deltas between two snapshots of ` + "`pg_stat_statements`" + ` (` + "`run --window`" + `, or against the
previous run of the same node), or the totals since the statistics were reset, labelled as such
(K001 says why). A value marked ≥ is a lower bound.

- **P3** a listed statement's hit ratio is below ` + kseries.HitDoc + `.`
