// Package f005 estimates the bloat of the largest btree indexes from planner statistics,
// with a confidence for every estimate, and measures it with pgstatindex when asked.
package f005

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgstattuple"
)

var (
	//go:embed f005.sql
	query string
	//go:embed f005_precise.sql
	preciseQuery string
)

// Check is F005.
type Check struct{ cfg Config }

// Config holds F005's thresholds.
type Config struct {
	// MinSizeBytes: smaller indexes are not looked at (relpages × block size).
	MinSizeBytes int64 `toml:"min_size_bytes"`
	// TopN: how many of the largest btree indexes (by relpages) are estimated.
	TopN int `toml:"top_n"`
	// P2Percent and P1Percent: bloat from which a high-confidence estimate (or a
	// measurement) is a P2 or P1 finding.
	P2Percent float64 `toml:"p2_percent"`
	P1Percent float64 `toml:"p1_percent"`
	// StalePercent: rows of the table changed since its last ANALYZE, as a percentage
	// of reltuples, above which the estimate has low confidence.
	StalePercent float64 `toml:"stale_percent"`
	// MinPages: indexes of fewer pages are too small to judge: a page more or less is a
	// large share of them, so no percentage is given (estimated or measured).
	MinPages int64 `toml:"min_pages"`
}

// New returns F005 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MinSizeBytes: 1 << 20, TopN: 100, P2Percent: 40, P1Percent: 90, StalePercent: 20, MinPages: 128}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "F005", Title: "Btree index bloat estimate", Scope: checks.Database, Replicated: true, Doc: doc,
		Requires: []checks.Requirement{checks.NeedHelpers}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "f005.sql", SQL: query},
		{Name: "pgstattuple_ext", SQL: extQuery},
		{Name: "f005_precise.sql", SQL: preciseQuery},
		{Name: "helpers", SQL: checks.HelpersQuery("F005")},
		{Name: "f005_helpers.sql", SQL: helpersQuery},
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

// Why an estimate is unknown; indexes are grouped by it in the findings.
const (
	causeHidden  checks.Label = "stats-not-visible"
	causeMissing checks.Label = "stats-missing"
)

// Data is what F005 reports.
type Data struct {
	BlockSize    int   `json:"block_size"`
	MinSizeBytes int64 `json:"min_size_bytes"`
	TopN         int   `json:"top_n"`
	MinPages     int64 `json:"min_pages"`
	// Total counts the btree indexes of at least min_size_bytes, estimated or not.
	Total   int     `json:"total"`
	Indexes []Index `json:"indexes"` // the largest btree indexes, by relpages
	Precise Precise `json:"precise"`
	// Helpers: whether statistics pg_stats hid were read through the setup helpers; nil
	// when nothing was hidden (or the role is a superuser).
	Helpers *checks.HelperUse `json:"helpers,omitempty"`
}

// Index is one btree index's estimate (and measurement, in precise mode).
type Index struct {
	Schema     checks.Name     `json:"schema"`
	Table      checks.Name     `json:"table"`
	Index      checks.Name     `json:"index"`
	Pages      int64           `json:"pages"`
	SizeBytes  int64           `json:"size_bytes"` // relpages × block size
	Rows       checks.Estimate `json:"rows"`       // the index's reltuples; -1: unknown
	Fillfactor int             `json:"fillfactor"`
	Unique     bool            `json:"unique"`
	Partial    bool            `json:"partial"`
	Columns    int             `json:"columns"` // key and INCLUDE columns
	// ColumnsHidden: columns whose statistics the role may not read. ColumnsNoStats:
	// columns the role may read that have no statistics.
	ColumnsHidden    int              `json:"columns_hidden"`
	ColumnsNoStats   int              `json:"columns_no_stats"`
	ModsSinceAnalyze *checks.Estimate `json:"mods_since_analyze"` // of the table
	// The estimate; absent when the confidence is unknown.
	TupleBytes  *float64       `json:"tuple_bytes,omitempty"` // per leaf entry, with its line pointer
	RowsPerLeaf *float64       `json:"rows_per_leaf,omitempty"`
	MinPages    *int64         `json:"min_pages,omitempty"` // size after REINDEX at this fillfactor
	BloatBytes  *int64         `json:"bloat_bytes,omitempty"`
	BloatPct    *float64       `json:"bloat_pct,omitempty"`
	Confidence  checks.Label   `json:"confidence"`
	Reasons     []checks.Label `json:"reasons,omitempty"`
	Cause       checks.Label   `json:"unknown_cause,omitempty"`
	// Measured is set in precise mode when pgstatindex measured the index.
	Measured *Measured `json:"measured,omitempty"`
}

// Measured is a pgstatindex measurement.
type Measured struct {
	IndexBytes     int64   `json:"index_bytes"`
	LeafPages      int64   `json:"leaf_pages"`
	InternalPages  int64   `json:"internal_pages"`
	EmptyPages     int64   `json:"empty_pages"`
	DeletedPages   int64   `json:"deleted_pages"`
	AvgLeafDensity float64 `json:"avg_leaf_density"` // percent of leaf page space in use
	BloatPct       float64 `json:"bloat_pct"`
	BloatBytes     int64   `json:"bloat_bytes"`
	TooSmall       bool    `json:"too_small,omitempty"` // under min_pages: no percentage, no finding
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
	d := Data{MinSizeBytes: c.cfg.MinSizeBytes, TopN: c.cfg.TopN, MinPages: c.cfg.MinPages, Indexes: make([]Index, 0, len(rows)), Helpers: helpers}
	for _, r := range rows {
		r.Version = t.Node.VersionNum
		d.BlockSize, d.Total = r.BlockSize, r.Total
		d.Indexes = append(d.Indexes, estimate(r, c.cfg))
	}
	if t.PreciseBloat {
		measure(ctx, t, rows, &d)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func read(ctx context.Context, db checks.Querier, cfg Config) ([]idxRow, error) {
	rows, err := db.Query(ctx, query, cfg.MinSizeBytes, cfg.TopN)
	if err != nil {
		return nil, fmt.Errorf("read index statistics: %w", err)
	}
	defer rows.Close()
	var out []idxRow
	for rows.Next() {
		var r idxRow
		var lens, aligns []int32
		var visible, hasStats, expr, toastable, cstring []bool
		var widths, nullFracs, cstringWidths []float64
		if err := rows.Scan(&r.OID, &r.Schema, &r.Table, &r.Index, &r.Pages, &r.Tuples, &r.TableTuples,
			&r.ToastPages, &r.Fillfactor, &r.DedupOff, &r.Partial, &r.Unique, &r.NAtts, &r.NKeyAtts,
			&r.BlockSize, &r.RLSHides, &r.ModsSinceAnalyze, &r.LeadDistinct,
			&lens, &aligns, &visible, &hasStats, &widths, &nullFracs, &expr, &toastable, &cstring, &cstringWidths, &r.Total); err != nil {
			return nil, fmt.Errorf("read index statistics: %w", err)
		}
		for i := range lens {
			r.Cols = append(r.Cols, column{Len: int(lens[i]), Align: int(aligns[i]), Visible: visible[i],
				HasStats: hasStats[i], Width: widths[i], NullFrac: nullFracs[i], Expr: expr[i],
				Toastable: toastable[i], CString: cstring[i], CStringWidth: cstringWidths[i]})
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read index statistics: %w", err)
	}
	return out, nil
}

// extQuery finds pgstattuple for precise mode.
var extQuery = pgstattuple.ExtSQL("F005")
