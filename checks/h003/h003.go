// Package h003 finds foreign keys without an index on the referencing side: every
// DELETE on the referenced table, and every UPDATE of its key, then scans the referencing
// table once per row.
package h003

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed h003.sql
	query string
	// 18 adds NOT ENFORCED (no triggers: never flagged) and temporal (PERIOD) keys.
	//go:embed h003_pg18.sql
	query18 string
	//go:embed h003_keys.sql
	keysQuery string
	//go:embed h003_keys_pg18.sql
	keysQuery18 string
	//go:embed h003_indexes.sql
	indexesQuery string
	//go:embed h003_opclasses.sql
	opclassesQuery string
	//go:embed h003_collations.sql
	collationsQuery string
)

// Check is H003.
type Check struct{ cfg Config }

// Config holds H003's thresholds.
type Config struct {
	// TopN limits the foreign keys reported, largest referencing table first.
	TopN int `toml:"top_n"`
	// LargeTableBytes: a referencing table at least this large makes the finding P2 when
	// the referenced table also sees updates or deletes.
	LargeTableBytes int64 `toml:"large_table_bytes"`
	// MinRefWrites: updates + deletes on the referenced table from which it counts as
	// written to.
	MinRefWrites int64 `toml:"min_ref_writes"`
}

// New returns H003 with its defaults.
func New() *Check {
	return &Check{cfg: Config{TopN: 50, LargeTableBytes: 100 << 20, MinRefWrites: 1}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "H003", Title: "Foreign keys without a supporting index", Scope: checks.Database, Replicated: true, Doc: doc,
		Session: checks.CatalogSession}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "h003.sql", MaxVersion: 180000, SQL: query},
		{Name: "h003.sql", MinVersion: 180000, SQL: query18},
		{Name: "h003_keys.sql", MaxVersion: 180000, SQL: keysQuery},
		{Name: "h003_keys.sql", MinVersion: 180000, SQL: keysQuery18},
		{Name: "h003_indexes.sql", SQL: indexesQuery},
		{Name: "h003_opclasses.sql", SQL: opclassesQuery},
		{Name: "h003_collations.sql", SQL: collationsQuery},
	}
}

// FK is one foreign key whose referencing side has no supporting index.
type FK struct {
	Schema      checks.Name   `json:"schema"`
	Table       checks.Name   `json:"table"`
	Constraint  checks.Name   `json:"constraint"`
	Partitioned bool          `json:"partitioned"`
	Partitions  int64         `json:"partitions"`           // tables judged: 1, or the partitions
	Unindexed   int64         `json:"unindexed_partitions"` // of those, how many lack the index
	Columns     []checks.Name `json:"columns"`
	RefSchema   checks.Name   `json:"ref_schema"`
	RefTable    checks.Name   `json:"ref_table"`
	RefColumns  []checks.Name `json:"ref_columns"`
	// Period is the PERIOD column of a temporal foreign key (18), empty otherwise.
	Period     checks.Name     `json:"period,omitempty"`
	TableBytes int64           `json:"table_bytes"` // relpages * block_size
	TableRows  checks.Estimate `json:"table_rows"`  // reltuples
	RefBytes   int64           `json:"ref_table_bytes"`
	// RefWrites is n_tup_upd + n_tup_del of the referenced table since the statistics
	// were reset; nil when no statistics exist for it.
	RefWrites *int64            `json:"ref_writes"`
	Fix       checks.Definition `json:"fix"` // CREATE INDEX statement
	// FixGist: Fix is a GiST index over all the columns of a temporal key (the scalar
	// ones through btree_gist, which is installed); false for a temporal key means Fix
	// is a btree over its equality columns.
	FixGist bool `json:"fix_gist,omitempty"`
}

// Data is what H003 reports.
type Data struct {
	FKs       []FK `json:"fks"`
	Total     int  `json:"total"`     // unindexed foreign keys, before the limit
	TotalP2   int  `json:"total_p2"`  // of those, how many are P2 (by analyze's rule, on the server)
	Truncated bool `json:"truncated"` // Total > len(FKs)
	TopN      int  `json:"top_n"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{FKs: []FK{}, TopN: c.cfg.TopN}
	sql, ok := checks.Pick(c.Queries(), "h003.sql", t.Node.VersionNum)
	keysSQL, ok2 := checks.Pick(c.Queries(), "h003_keys.sql", t.Node.VersionNum)
	if !ok || !ok2 {
		return nil, fmt.Errorf("no statement for server version %d", t.Node.VersionNum)
	}
	// Judging is done in Go on narrow reads of the catalogs (judge.go); the statement
	// below lists the unindexed keys Go found and counts them by severity.
	cat, err := readCatalog(ctx, t.DB, keysSQL)
	if err != nil {
		return nil, err
	}
	ls := leaves(cat)
	if err := readCollations(ctx, t.DB, cat, collationsNeeded(cat, ls)); err != nil {
		return nil, err
	}
	js := judge(cat, ls)
	roots, rels, parts, sup := make([]uint32, len(js)), make([]uint32, len(js)), make([]bool, len(js)), make([]bool, len(js))
	for i, j := range js {
		roots[i], rels[i], parts[i], sup[i] = j.root, j.rel, j.partition, j.supported
	}
	rows, err := t.DB.Query(ctx, sql, c.cfg.TopN, c.cfg.LargeTableBytes, c.cfg.MinRefWrites, roots, rels, parts, sup)
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f FK
		var period *string
		if err := rows.Scan(&f.Schema, &f.Table, &f.Constraint, &f.Partitioned, &f.Partitions, &f.Unindexed,
			&f.Columns, &f.RefSchema, &f.RefTable, &f.RefColumns, &period, &f.TableBytes, &f.TableRows,
			&f.RefBytes, &f.RefWrites, &f.Fix, &f.FixGist, &d.Total, &d.TotalP2); err != nil {
			return nil, fmt.Errorf("read foreign keys: %w", err)
		}
		if period != nil {
			f.Period = checks.Name(*period)
		}
		d.FKs = append(d.FKs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	d.Truncated = d.Total > len(d.FKs)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}
