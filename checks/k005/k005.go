// Package k005 lists the statements that generated the most WAL over the workload window
// (pg_stat_statements wal_bytes deltas, PostgreSQL 13 and newer).
package k005

import (
	"context"
	"errors"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K005.
type Check struct{ cfg Config }

// Config holds K005's settings.
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

// New returns K005 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K005", Title: "Top statements by WAL bytes", Scope: checks.Cluster, Doc: doc,
		MinVersion: 130000, Workload: true}
}

// Queries implements checks.Check: K005 sends nothing; the pipeline's workload view
// (internal/workload) holds what it reads.
func (c *Check) Queries() []checks.Query { return nil }

// Data is what K005 reports.
type Data struct {
	kseries.Listing
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, skip := kseries.Usable(t.Workload)
	if skip != nil {
		return &checks.Outcome{Skip: skip}, nil
	}
	if !v.Window.Features.WAL {
		// The server is 13+ (the runner's gate), but the extension was not updated.
		return &checks.Outcome{Skip: &checks.Skip{
			Reason: fmt.Sprintf("pg_stat_statements %s does not count WAL (wal_bytes came with 1.8, PostgreSQL 13)%s",
				v.Window.ExtVersion, bothSnapshots(v)),
			Hint: "ALTER EXTENSION pg_stat_statements UPDATE; (in the database pgcheckup connects to)"}}, nil
	}
	d := Data{kseries.Build(v, kseries.Spec{Measure: "WAL bytes", Unit: kseries.UnitBytes,
		Value: workload.ByWALBytes, TopN: c.cfg.TopN, WALColumn: true})}
	return &checks.Outcome{Data: d}, nil
}

// bothSnapshots adds, for a window, that both snapshots need the counter.
func bothSnapshots(v *workload.View) string {
	if v.Source == workload.SourceWindow || v.Source == workload.SourcePrevious {
		return ", or not in both snapshots of the window"
	}
	return ""
}

const doc = `Lists the statement groups that generated the most WAL (` + "`wal_bytes`" + ` of
` + "`pg_stat_statements`" + `, PostgreSQL 13 and newer) over the workload window, highest first: the top
` + "`top_n`" + ` (default 20) and one row for all the others, so the shares add up to 100%. WAL is what
replicas replay, archiving ships and crash recovery reads: the statements on top drive
replication lag, archive volume and checkpoint load.

Each row gives the WAL bytes, per second of the window and per call, the WAL records and the
full-page images (a high share of full-page images means many pages written for the first
time after a checkpoint: frequent checkpoints, or updates spread over many pages), the calls
and time, users, databases and the normalized text. Statements that differ only by user or
database are one group. pgcheckup's own statements are left out.

The numbers are deltas between two snapshots of ` + "`pg_stat_statements`" + ` (` + "`run --window`" + `, or against the
previous run of the same node), or the totals since the statistics were reset, labelled as such
(K001 says why). A value marked ≥ is a lower bound.

No thresholds: the listing says where the WAL comes from. Skipped before PostgreSQL 13, and
when the installed extension is older than 1.8 (` + "`ALTER EXTENSION pg_stat_statements UPDATE`" + `).`
