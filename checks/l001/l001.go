// Package l001 lists the largest tables of a database with their heap, index and TOAST
// sizes and estimated rows: mostly data, for capacity planning and to put the other
// checks' findings in proportion.
package l001

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

//go:embed l001.sql
var query string

// Check is L001.
type Check struct{ cfg Config }

// Config holds L001's settings.
type Config struct {
	// TopN is how many tables are listed, largest first.
	TopN int `toml:"top_n"`
}

// New returns L001 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 30}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "L001", Title: "Table sizes", Scope: checks.Database, Replicated: true, Doc: doc,
		Session: checks.CatalogSession}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "l001.sql", SQL: query}}
}

// Table is one table, materialized view, or partitioned table with all its partitions.
type Table struct {
	Schema checks.Name  `json:"schema"`
	Name   checks.Name  `json:"name"`
	Kind   checks.Label `json:"kind"` // "table", "materialized view" or "partitioned table"
	// Partitions is how many partitions with storage a partitioned table's sizes sum.
	Partitions int `json:"partitions,omitempty"`
	// Sizes are nil when the table was not measured: another session holds or awaits an
	// ACCESS EXCLUSIVE lock on it (pgcheckup never waits for locks). EstimatedBytes, from
	// the catalog's page counts, is shown instead.
	TotalBytes     *int64 `json:"total_bytes"`
	HeapBytes      *int64 `json:"heap_bytes"`
	IndexBytes     *int64 `json:"index_bytes"`
	ToastBytes     *int64 `json:"toast_bytes"`
	EstimatedBytes int64  `json:"estimated_bytes"`
	Locked         bool   `json:"locked"`
	// Rows is the planner's estimate (reltuples); nil when the table was never vacuumed
	// nor analyzed. For a partitioned table it sums the partitions that have an estimate,
	// and UnestimatedPartitions counts the others.
	Rows                  *checks.Estimate `json:"rows"`
	UnestimatedPartitions int              `json:"unestimated_partitions,omitempty"`
}

// Data is what L001 reports.
type Data struct {
	Tables []Table `json:"tables"`
	TopN   int     `json:"top_n"`
	// Count is how many tables were considered (partitioned tables count once), and
	// EstimatedBytesAll their size by the catalog's page counts: the totals of what is
	// listed and what is not (L001 is data, so they are not findings).
	Count             int   `json:"count"`
	EstimatedBytesAll int64 `json:"estimated_bytes_all"`
	// Measured is how many tables were measured with the size functions: the top_n by
	// estimate and up to top_n without an estimate, never the whole catalog.
	Measured int `json:"measured"`
	// Unestimated tables were never vacuumed nor analyzed: the catalog has no size for
	// them. Up to top_n are measured, most live rows first; UnestimatedUnmeasured counts
	// those left out that hold rows by the statistics.
	Unestimated           int `json:"unestimated"`
	UnestimatedUnmeasured int `json:"unestimated_unmeasured,omitempty"`
}

var kinds = map[string]checks.Label{"r": "table", "m": "materialized view", "p": "partitioned table"}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Tables: []Table{}, TopN: c.cfg.TopN}
	rows, err := t.DB.Query(ctx, query, c.cfg.TopN)
	if err != nil {
		return nil, fmt.Errorf("read table sizes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tb Table
		var kind string
		if err := rows.Scan(&tb.Schema, &tb.Name, &kind, &tb.Partitions, &tb.TotalBytes, &tb.HeapBytes, &tb.IndexBytes,
			&tb.ToastBytes, &tb.EstimatedBytes, &tb.Rows, &tb.UnestimatedPartitions, &tb.Locked, &d.Count,
			&d.EstimatedBytesAll, &d.Measured, &d.Unestimated, &d.UnestimatedUnmeasured); err != nil {
			return nil, fmt.Errorf("read table sizes: %w", err)
		}
		tb.Kind = kinds[kind]
		if kind != "p" {
			tb.UnestimatedPartitions = 0
		}
		d.Tables = append(d.Tables, tb)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table sizes: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}
