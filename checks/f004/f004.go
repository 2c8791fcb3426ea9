// Package f004 estimates the heap bloat of the largest tables from planner statistics,
// with a confidence for every estimate, and measures it with pgstattuple_approx when asked.
package f004

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgstattuple"
)

var (
	//go:embed f004.sql
	query string
	//go:embed f004_precise.sql
	preciseQuery string
)

// Check is F004.
type Check struct{ cfg Config }

// Config holds F004's thresholds.
type Config struct {
	// MinSizeBytes: smaller tables are not looked at (relpages × block size).
	MinSizeBytes int64 `toml:"min_size_bytes"`
	// TopN: how many of the largest tables (by relpages) are estimated.
	TopN int `toml:"top_n"`
	// P2Percent and P1Percent: bloat from which a high-confidence estimate (or a
	// measurement) is a P2 or P1 finding.
	P2Percent float64 `toml:"p2_percent"`
	P1Percent float64 `toml:"p1_percent"`
	// StalePercent: rows changed since the last ANALYZE, as a percentage of reltuples,
	// above which the statistics are stale and the estimate has low confidence.
	StalePercent float64 `toml:"stale_percent"`
	// MinPages: tables of fewer pages are too small to judge: a page more or less is a
	// large share of them, so no percentage is given (estimated or measured).
	MinPages int64 `toml:"min_pages"`
}

// New returns F004 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MinSizeBytes: 1 << 20, TopN: 100, P2Percent: 40, P1Percent: 90, StalePercent: 20, MinPages: 128}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "F004", Title: "Table bloat estimate", Scope: checks.Database, Replicated: true, Doc: doc,
		Requires: []checks.Requirement{checks.NeedHelpers}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "f004.sql", SQL: query},
		{Name: "pgstattuple_ext", SQL: extQuery},
		{Name: "f004_precise.sql", SQL: preciseQuery},
		{Name: "helpers", SQL: checks.HelpersQuery("F004")},
		{Name: "f004_helpers.sql", SQL: helpersQuery},
	}
}

// Confidence levels of an estimate.
const (
	High    checks.Label = "high"
	Low     checks.Label = "low"
	Unknown checks.Label = "unknown"
	// TooSmall: fewer pages than min_pages, where a page more or less is a large share.
	TooSmall checks.Label = "too small to judge"
)

// Why an estimate is unknown; tables are grouped by it in the findings.
const (
	causeHidden  checks.Label = "stats-not-visible"
	causeMissing checks.Label = "stats-missing"
)

// Data is what F004 reports.
type Data struct {
	BlockSize    int   `json:"block_size"`
	MinSizeBytes int64 `json:"min_size_bytes"`
	TopN         int   `json:"top_n"`
	MinPages     int64 `json:"min_pages"`
	// Total counts the tables of at least min_size_bytes, estimated or not.
	Total   int     `json:"total"`
	Tables  []Table `json:"tables"` // the largest tables, by relpages
	Precise Precise `json:"precise"`
	// Helpers: whether statistics pg_stats hid were read through the setup helpers; nil
	// when nothing was hidden (or the role is a superuser).
	Helpers *checks.HelperUse `json:"helpers,omitempty"`
}

// Table is one table's estimate (and measurement, in precise mode).
type Table struct {
	Schema     checks.Name     `json:"schema"`
	Table      checks.Name     `json:"table"`
	Kind       checks.Label    `json:"kind"` // "table" or "materialized view"
	Pages      int64           `json:"pages"`
	SizeBytes  int64           `json:"size_bytes"`  // relpages × block size, as of the last VACUUM/ANALYZE
	ToastBytes int64           `json:"toast_bytes"` // its TOAST table, not part of the estimate
	Rows       checks.Estimate `json:"rows"`        // reltuples; -1: never vacuumed or analyzed
	Fillfactor int             `json:"fillfactor"`
	Columns    int             `json:"columns"`
	// ColumnsHidden: columns whose statistics the role may not read. ColumnsNoStats:
	// columns the role may read that have no statistics.
	ColumnsHidden    int              `json:"columns_hidden"`
	ColumnsNoStats   int              `json:"columns_no_stats"`
	ModsSinceAnalyze *checks.Estimate `json:"mods_since_analyze"`
	// The estimate; absent when the confidence is unknown.
	TupleBytes  *float64       `json:"tuple_bytes,omitempty"` // per row: header, data, line pointer
	RowsPerPage *float64       `json:"rows_per_page,omitempty"`
	MinPages    *int64         `json:"min_pages,omitempty"` // size after a rewrite at this fillfactor
	BloatBytes  *int64         `json:"bloat_bytes,omitempty"`
	BloatPct    *float64       `json:"bloat_pct,omitempty"`
	Confidence  checks.Label   `json:"confidence"`
	Reasons     []checks.Label `json:"reasons,omitempty"`
	Cause       checks.Label   `json:"unknown_cause,omitempty"`
	// Measured is set in precise mode when pgstattuple_approx measured the table.
	Measured *Measured `json:"measured,omitempty"`
}

// Measured is a pgstattuple_approx measurement.
type Measured struct {
	TableBytes int64   `json:"table_bytes"`
	ScannedPct float64 `json:"scanned_pct"` // pages read; the rest were all-visible
	FreePct    float64 `json:"free_pct"`
	DeadPct    float64 `json:"dead_pct"`
	BloatPct   float64 `json:"bloat_pct"`
	BloatBytes int64   `json:"bloat_bytes"`
	TooSmall   bool    `json:"too_small,omitempty"` // under min_pages: no percentage, no finding
}

// Precise says whether precise mode was asked for and what came of it.
// Precise is what the report says about precise mode.
type Precise = pgstattuple.Precise

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := read(ctx, t.DB, c.cfg)
	if err != nil {
		return nil, err
	}
	helpers, err := throughHelpers(ctx, t, rows)
	if err != nil {
		return nil, err
	}
	d := Data{MinSizeBytes: c.cfg.MinSizeBytes, TopN: c.cfg.TopN, MinPages: c.cfg.MinPages, Tables: make([]Table, 0, len(rows)), Helpers: helpers}
	for _, r := range rows {
		d.BlockSize, d.Total = r.BlockSize, r.Total
		d.Tables = append(d.Tables, estimate(r, c.cfg))
	}
	if t.PreciseBloat {
		measure(ctx, t, rows, &d)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func read(ctx context.Context, db checks.Querier, cfg Config) ([]relRow, error) {
	rows, err := db.Query(ctx, query, cfg.MinSizeBytes, cfg.TopN)
	if err != nil {
		return nil, fmt.Errorf("read table statistics: %w", err)
	}
	defer rows.Close()
	var out []relRow
	for rows.Next() {
		var r relRow
		var dropped, visible, hasStats, virtual []bool
		var lens, aligns []int32
		var widths, nullFracs []float64
		if err := rows.Scan(&r.OID, &r.Schema, &r.Name, &r.MatView, &r.Pages, &r.Tuples, &r.ToastPages,
			&r.Fillfactor, &r.BlockSize, &r.RLSHides, &r.ModsSinceAnalyze,
			&dropped, &lens, &aligns, &visible, &hasStats, &widths, &nullFracs, &virtual, &r.Total); err != nil {
			return nil, fmt.Errorf("read table statistics: %w", err)
		}
		for i := range lens {
			r.Cols = append(r.Cols, column{Len: int(lens[i]), Align: int(aligns[i]), Dropped: dropped[i],
				Visible: visible[i], HasStats: hasStats[i], Width: widths[i], NullFrac: nullFracs[i], Virtual: virtual[i]})
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table statistics: %w", err)
	}
	return out, nil
}

// extQuery finds pgstattuple for precise mode.
var extQuery = pgstattuple.ExtSQL("F004")
