// Package h001 finds invalid indexes: left behind by a failed CREATE INDEX CONCURRENTLY
// or REINDEX CONCURRENTLY, they are not used by queries, a unique one enforces nothing,
// and most are still updated on every write.
package h001

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed h001.sql
	query string
	//go:embed h001_pg15.sql
	query15 string
)

// Check is H001.
type Check struct{ cfg Config }

// Config holds H001's settings.
type Config struct {
	// TopN limits the invalid indexes reported, largest first.
	TopN int `toml:"top_n"`
}

// New returns H001 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 100}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "H001", Title: "Invalid indexes", Scope: checks.Database, Replicated: true, Doc: doc}
}

// Queries implements checks.Check. 15 adds NULLS NOT DISTINCT, which makes two unique
// indexes on the same columns different.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "h001.sql", MaxVersion: 150000, SQL: query},
		{Name: "h001.sql", MinVersion: 150000, SQL: query15},
	}
}

// Index is one invalid index.
type Index struct {
	Schema checks.Name `json:"schema"`
	Name   checks.Name `json:"name"`
	Table  checks.Name `json:"table"`
	// Ident is the quoted schema.index, ready for a statement.
	Ident  checks.Definition `json:"ident"`
	Unique bool              `json:"unique"`
	// Ready: the index is maintained on writes although no query uses it. A build that
	// failed before its first pass leaves it not ready.
	Ready bool `json:"ready"`
	// Partitioned: an index of a partitioned table, invalid until an index is attached
	// for every partition. It has no storage of its own.
	Partitioned bool              `json:"partitioned"`
	SizeBytes   int64             `json:"size_bytes"`
	Definition  checks.Definition `json:"definition"`
	// ValidDuplicate names a valid index of the same table with the same definition.
	ValidDuplicate checks.Name `json:"valid_duplicate,omitempty"`
	// TableLocked: another session holds or awaits an ACCESS EXCLUSIVE lock on the table,
	// so the definition and duplicates were not read (that would wait for the lock).
	TableLocked bool `json:"table_locked"`
}

// Busy is an invalid index that a concurrent build, rebuild or drop is working on now.
type Busy struct {
	Schema checks.Name `json:"schema"`
	Name   checks.Name `json:"name"`
	Table  checks.Name `json:"table"`
}

// Data is what H001 reports.
type Data struct {
	Indexes []Index `json:"indexes"`
	Total   int     `json:"total"` // invalid indexes not in progress, before the limit
	// TotalStored counts those of Total that are not partitioned (P2 when listed); the
	// rest are partitioned indexes (P3).
	TotalStored int `json:"total_stored"`
	TopN        int `json:"top_n"`
	// InProgress are excluded from the findings: they are invalid only while being built.
	InProgress []Busy `json:"in_progress"`
	// BuildsVisible: the role sees other sessions' index builds (pg_read_all_stats). If
	// not, a build waiting between its transactions may be reported as invalid.
	BuildsVisible bool `json:"builds_visible"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	sql, ok := checks.Pick(c.Queries(), "h001.sql", t.Node.VersionNum)
	if !ok {
		return nil, fmt.Errorf("no query for server version %d", t.Node.VersionNum)
	}
	d := Data{Indexes: []Index{}, InProgress: []Busy{}, TopN: c.cfg.TopN,
		BuildsVisible: t.Node.Superuser || t.Node.PGReadAllData}
	rows, err := t.DB.Query(ctx, sql, c.cfg.TopN)
	if err != nil {
		return nil, fmt.Errorf("read invalid indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ix Index
		var busy bool
		var size *int64
		var def *checks.Definition
		var dup *checks.Name
		if err := rows.Scan(&ix.Schema, &ix.Name, &ix.Table, &ix.Ident, &busy, &ix.Unique, &ix.Ready,
			&ix.Partitioned, &size, &def, &dup, &ix.TableLocked, &d.Total, &d.TotalStored); err != nil {
			return nil, fmt.Errorf("read invalid indexes: %w", err)
		}
		if busy {
			d.InProgress = append(d.InProgress, Busy{Schema: ix.Schema, Name: ix.Name, Table: ix.Table})
			continue
		}
		if size != nil {
			ix.SizeBytes = *size
		}
		if def != nil {
			ix.Definition = *def
		}
		if dup != nil {
			ix.ValidDuplicate = *dup
		}
		d.Indexes = append(d.Indexes, ix)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read invalid indexes: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}
