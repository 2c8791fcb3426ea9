// Package k007 lists the statements that found the most shared blocks in shared buffers
// over the workload window (pg_stat_statements shared_blks_hit deltas): the memory
// traffic, CPU more than I/O.
package k007

import (
	"context"
	"errors"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K007.
type Check struct{ cfg Config }

// Config holds K007's settings.
type Config struct {
	TopN int `toml:"top_n"` // statement groups listed
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	if c.TopN < 1 {
		return errors.New("top_n must be at least 1")
	}
	return nil
}

// New returns K007 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K007", Title: "Top statements by shared blocks hit", Scope: checks.Cluster, Doc: doc,
		Workload: true}
}

// Queries implements checks.Check: K007 sends nothing; the pipeline's workload view
// (internal/workload) holds what it reads.
func (c *Check) Queries() []checks.Query { return nil }

// Data is what K007 reports.
type Data struct {
	kseries.Listing
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, skip := kseries.Usable(t.Workload)
	if skip != nil {
		return &checks.Outcome{Skip: skip}, nil
	}
	d := Data{kseries.Build(v, kseries.Spec{Measure: "shared blocks hit", Unit: kseries.UnitBlocks,
		Value: workload.BySharedHit, TopN: c.cfg.TopN, HitColumn: true})}
	return &checks.Outcome{Data: d}, nil
}

const doc = `Lists the statement groups that found the most shared blocks in shared buffers
(` + "`shared_blks_hit`" + ` of ` + "`pg_stat_statements`" + `) over the workload window, highest first: the top
` + "`top_n`" + ` (default 20) and one row for all the others, so the shares add up to 100%. A hit costs no
I/O, but every block visited costs CPU and buffer-mapping locks: a statement that visits
millions of blocks per call to return a few rows usually lacks an index, or has a plan that
loops (a nested loop over many rows).

Each row gives the bytes hit (blocks × 8192: the default block size, since the workload view does
not carry the server's ` + "`block_size`" + `), per second of the window and per call, the calls, the time,
the row's hit ratio, users, databases and the normalized text. Statements that differ only by
user or database are one group. pgcheckup's own statements are left out. K006 ranks by blocks
read from outside shared buffers, K008 by both.

The numbers are deltas between two snapshots of ` + "`pg_stat_statements`" + ` (` + "`run --window`" + `, or against the
previous run of the same node), or the totals since the statistics were reset, labelled as such
(K001 says why). A value marked ≥ is a lower bound. No thresholds: the listing is for reading.`
