// Package g004 reviews the planner settings: page costs, statistics targets (server-wide
// and per column), JIT thresholds and plan methods switched off.
package g004

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

//go:embed g004_columns.sql
var columnsSQL string

var settingsSQL = pgsettings.SQL("G004")

// enables are the plan method switches of 12 to 18; each major has a subset.
var enables = []string{
	"enable_async_append", "enable_bitmapscan", "enable_distinct_reordering", "enable_gathermerge",
	"enable_group_by_reordering", "enable_hashagg", "enable_hashjoin", "enable_incremental_sort",
	"enable_indexonlyscan", "enable_indexscan", "enable_material", "enable_memoize", "enable_mergejoin",
	"enable_nestloop", "enable_parallel_append", "enable_parallel_hash", "enable_partition_pruning",
	"enable_partitionwise_aggregate", "enable_partitionwise_join", "enable_presorted_aggregate",
	"enable_self_join_elimination", "enable_seqscan", "enable_sort", "enable_tidscan",
}

var names = append([]string{
	"random_page_cost", "seq_page_cost", "cpu_tuple_cost", "cpu_index_tuple_cost", "cpu_operator_cost",
	"parallel_setup_cost", "parallel_tuple_cost", "effective_io_concurrency", "effective_cache_size",
	"default_statistics_target", "jit", "jit_above_cost", "jit_inline_above_cost", "jit_optimize_above_cost",
	"plan_cache_mode", "from_collapse_limit", "join_collapse_limit", "geqo_threshold",
}, enables...)

// Check is G004.
type Check struct{ cfg Config }

// Config holds G004's thresholds.
type Config struct {
	MaxColumns int `toml:"max_columns"` // columns with their own statistics target listed
	// SSDRandomPageCost: random_page_cost at or above it is the hint to lower it for SSDs.
	SSDRandomPageCost float64 `toml:"ssd_random_page_cost"`
	// default_statistics_target outside [Min, Max] is P3.
	MinStatisticsTarget float64 `toml:"min_statistics_target"`
	MaxStatisticsTarget float64 `toml:"max_statistics_target"`
	// MinJITAboveCost: jit_above_cost below it is P3.
	MinJITAboveCost float64 `toml:"min_jit_above_cost"`
}

// New returns G004 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MaxColumns: 50, SSDRandomPageCost: 4, MinStatisticsTarget: 100,
		MaxStatisticsTarget: 1000, MinJITAboveCost: 100000}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "G004", Title: "Planner settings", Scope: checks.Database, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}, {Name: "g004_columns.sql", SQL: columnsSQL}}
}

// Column is a column (or index expression) with its own statistics target.
type Column struct {
	Schema checks.Name `json:"schema"`
	Table  checks.Name `json:"table"`
	Column checks.Name `json:"column"`
	Ident  checks.Name `json:"ident"` // the table, schema-qualified and quoted as SQL needs it
	Target int         `json:"target"`
	Bytes  int64       `json:"bytes"` // relpages × block size
}

// Data is what G004 reports.
type Data struct {
	Settings []pgsettings.Converted `json:"settings"`
	// Disabled are plan methods that are on by default but off here.
	Disabled     []checks.Name `json:"disabled"`
	Columns      []Column      `json:"columns"`
	ColumnsTotal int           `json:"columns_total"` // all of them, listed or not
	ColumnsZero  int           `json:"columns_zero"`  // target 0: no statistics at all
	Limit        int           `json:"limit"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	// At least one row, so that the totals (window counts) always arrive.
	d := Data{Limit: max(c.cfg.MaxColumns, 1), Disabled: []checks.Name{}, Columns: []Column{}}
	var err error
	if d.Settings, err = pgsettings.ReadConverted(ctx, t.DB, settingsSQL, names); err != nil {
		return nil, err
	}
	d.Disabled = append(d.Disabled, disabledMethods(d.Settings)...)
	rows, err := t.DB.Query(ctx, columnsSQL, d.Limit)
	if err != nil {
		return nil, fmt.Errorf("read statistics targets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var col Column
		if err := rows.Scan(&col.Schema, &col.Table, &col.Column, &col.Ident, &col.Target, &col.Bytes,
			&d.ColumnsTotal, &d.ColumnsZero); err != nil {
			return nil, fmt.Errorf("read statistics targets: %w", err)
		}
		d.Columns = append(d.Columns, col)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read statistics targets: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}
