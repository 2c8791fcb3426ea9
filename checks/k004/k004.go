// Package k004 lists the statements that wrote the most to temporary files over the
// workload window (pg_stat_statements temp_blks_written deltas): sorts, hashes and
// materializations that did not fit in work_mem.
package k004

import (
	"context"
	"errors"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K004.
type Check struct{ cfg Config }

// Config holds K004's settings.
type Config struct {
	TopN int `toml:"top_n"` // statement groups listed
	// MinBytesPerSecond: a listed statement writing at least this many bytes per second
	// of the span to temporary files is a finding.
	MinBytesPerSecond float64 `toml:"min_bytes_per_second"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	if c.TopN < 1 {
		return errors.New("top_n must be at least 1")
	}
	return nil
}

// New returns K004 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20, MinBytesPerSecond: 100 << 10}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K004", Title: "Top statements by temporary bytes written", Scope: checks.Cluster, Doc: doc,
		Workload: true}
}

// Queries implements checks.Check: K004 sends nothing; the pipeline's workload view
// (internal/workload) holds what it reads.
func (c *Check) Queries() []checks.Query { return nil }

// Data is what K004 reports.
type Data struct {
	kseries.Listing
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v, skip := kseries.Usable(t.Workload)
	if skip != nil {
		return &checks.Outcome{Skip: skip}, nil
	}
	d := Data{kseries.Build(v, kseries.Spec{Measure: "temp bytes written", Unit: kseries.UnitBlocks,
		Value: workload.ByTempWritten, TopN: c.cfg.TopN})}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	for _, r := range d.Rows {
		if r.Value <= 0 || r.BytesPerSecond < cfg.MinBytesPerSecond {
			continue
		}
		atLeast := ""
		if r.LowerBound {
			atLeast = "at least "
		}
		out = append(out, checks.Finding{Code: "K004/temp-spill", Severity: checks.P3,
			Conclusion: fmt.Sprintf("%s wrote %s%s to temporary files %s (%s/s, %s per call over %d calls, %.0f%% of all temporary writes): "+
				"its sorts, hashes or materializations do not fit in %s.",
				kseries.StatementName(r), atLeast, checks.Bytes(int64(r.Bytes)), kseries.Span(d.Window),
				checks.Bytes(int64(r.BytesPerSecond)), checks.Bytes(int64(r.BytesPerCall)), r.Calls, r.SharePercent, checks.Code("work_mem")),
			Recommendation: "Look at its plan with " + checks.Code("EXPLAIN (ANALYZE, BUFFERS)") + " on a copy: a spilling sort shows " +
				checks.Code("external merge") + ", a spilling hash more than one batch. An index that delivers the order, a narrower " +
				"select list, or more " + checks.Code("work_mem") + " for the role or transaction that runs it (" +
				checks.Code("ALTER ROLE ... SET work_mem = '64MB'") + ", or " + checks.Code("SET LOCAL work_mem") +
				") keep it in memory; raise it server-wide only with the number of concurrent sorts in mind. " +
				checks.Code("log_temp_files = 0") + " logs each temporary file with its statement."})
	}
	return out
}

const doc = `Lists the statement groups that wrote the most to temporary files (` + "`temp_blks_written`" + `
of ` + "`pg_stat_statements`" + `) over the workload window, highest first: the top ` + "`top_n`" + ` (default 20) and one
row for all the others, so the shares add up to 100%. Temporary files hold the sorts, hashes and
materializations that did not fit in ` + "`work_mem`" + ` (and index builds' sorts beyond
` + "`maintenance_work_mem`" + `); writing them costs I/O and time.

Each row gives the bytes written (blocks × 8192: the default block size, since the workload view
does not carry the server's ` + "`block_size`" + `), per second of the window and per call, the calls,
the time (execution plus planning), the users and databases of the entries grouped, and the
normalized text. Statements that differ only by user or database are one group (their
pg_query fingerprint). pgcheckup's own statements are left out.

The numbers are deltas between two snapshots of ` + "`pg_stat_statements`" + `: over ` + "`run --window`" + `, or since the
previous run of the same project and node, or, when neither can be had, the totals since the
statistics were reset, labelled as such (K001 says why and how much of the time it attributed).
A value marked ≥ is a lower bound: an entry restarted inside the window.

- **P3** a listed statement writes at least ` + "`min_bytes_per_second`" + ` (default 102400, 100 KiB)
  per second of the span to temporary files.

Skipped, with the reason, when ` + "`pg_stat_statements`" + ` cannot be read (not in
` + "`shared_preload_libraries`" + `, not created in the database pgcheckup connects to).`
