// Package l004 lists tables without a primary key or a unique key over NOT NULL columns:
// logical replication cannot identify their rows, and duplicates cannot be told apart.
package l004

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

//go:embed l004.sql
var query string

// Check is L004.
type Check struct{ cfg Config }

// Config holds L004's thresholds.
type Config struct {
	// TopN limits the tables listed, largest first.
	TopN int `toml:"top_n"`
	// P2Bytes: a table at least this large is P2 (else P3).
	P2Bytes int64 `toml:"p2_bytes"`
}

// New returns L004 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 50, P2Bytes: 1 << 30}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "L004", Title: "Tables without a primary or unique key", Scope: checks.Database, Replicated: true, Doc: doc,
		Session: checks.CatalogSession}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query { return []checks.Query{{Name: "l004.sql", SQL: query}} }

// Table is a table without a key.
type Table struct {
	Schema      checks.Name     `json:"schema"`
	Table       checks.Name     `json:"table"`
	Partitioned bool            `json:"partitioned"`
	Partitions  int64           `json:"partitions"` // leaf tables counted in the size
	Bytes       int64           `json:"bytes"`      // relpages * block_size
	Rows        checks.Estimate `json:"rows"`       // reltuples
	// ReplicaIdentity is relreplident spelled out: default (the primary key, here none),
	// nothing, full (the whole row) or index.
	ReplicaIdentity checks.Label `json:"replica_identity"`
	Unlogged        bool         `json:"unlogged"`
	// Published: the table (or one of its partitions) is in a publication of UPDATE or
	// DELETE.
	Published bool `json:"published"`
	// CandidateIndex is a unique index that would be a key if NullableColumns were NOT NULL.
	CandidateIndex  checks.Name   `json:"candidate_index,omitempty"`
	NullableColumns []checks.Name `json:"nullable_columns,omitempty"`
	// SurrogateColumn is a column name the table does not have yet ("id" unless taken),
	// for the surrogate key the advice offers; empty when all the candidates are taken.
	SurrogateColumn checks.Name `json:"surrogate_column,omitempty"`
}

// Data is what L004 reports.
type Data struct {
	Tables []Table `json:"tables"`
	Total  int     `json:"total"`
	// Unlisted counts the tables beyond the limit by the severity analyze would give them.
	Unlisted  Unlisted `json:"unlisted"`
	Truncated bool     `json:"truncated"`
	TopN      int      `json:"top_n"`
}

// Unlisted counts unlisted tables by severity.
type Unlisted struct {
	P1 int `json:"p1"`
	P2 int `json:"p2"`
	P3 int `json:"p3"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Tables: []Table{}, TopN: c.cfg.TopN}
	rows, err := t.DB.Query(ctx, query, c.cfg.TopN, c.cfg.P2Bytes)
	if err != nil {
		return nil, fmt.Errorf("read tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Table
		var schema, table, cand, ident, surrogate *string
		var partitioned, unlogged, published *bool
		var partitions, bytes *int64
		var rowsEst *checks.Estimate
		if err := rows.Scan(&schema, &table, &partitioned, &partitions, &bytes, &rowsEst, &ident,
			&unlogged, &published, &cand, &x.NullableColumns, &surrogate,
			&d.Total, &d.Unlisted.P1, &d.Unlisted.P2, &d.Unlisted.P3); err != nil {
			return nil, fmt.Errorf("read tables: %w", err)
		}
		// The statement returns one row with only the totals when no table is listed.
		if table == nil {
			continue
		}
		x.Schema, x.Table = checks.Name(val(schema)), checks.Name(*table)
		x.Partitioned, x.Partitions, x.Bytes, x.Rows = val(partitioned), val(partitions), val(bytes), val(rowsEst)
		x.Unlogged, x.Published = val(unlogged), val(published)
		x.ReplicaIdentity = replicaIdentity(val(ident))
		x.SurrogateColumn = checks.Name(val(surrogate))
		if cand != nil {
			x.CandidateIndex = checks.Name(*cand)
		}
		d.Tables = append(d.Tables, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read tables: %w", err)
	}
	d.Truncated = d.Total > len(d.Tables)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// val is *p, or the zero value for nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// replicaIdentity spells out pg_class.relreplident.
func replicaIdentity(c string) checks.Label {
	switch c {
	case "d":
		return "default"
	case "n":
		return "nothing"
	case "f":
		return "full"
	case "i":
		return "index"
	}
	return "unknown"
}
