// Package l002 points at column data types worth a look: 2- and 4-byte integer keys on
// large tables, foreign keys whose type differs from the referenced column, and
// timestamp without time zone and money columns.
package l002

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed l002_keys.sql
	queryKeys string
	//go:embed l002_fk_types.sql
	queryFKTypes string
	//go:embed l002_types.sql
	queryTypes string
)

// Check is L002.
type Check struct{ cfg Config }

// Config holds L002's thresholds.
type Config struct {
	// TopN limits each list.
	TopN int `toml:"top_n"`
	// KeyP3Pct and KeyP2Pct: an int2/int4 key column is listed (P3) once the table's
	// estimated rows reach this percentage of the type's maximum, P2 from KeyP2Pct.
	KeyP3Pct float64 `toml:"key_p3_pct"`
	KeyP2Pct float64 `toml:"key_p2_pct"`
}

// New returns L002 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 50, KeyP3Pct: 5, KeyP2Pct: 25}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "L002", Title: "Data types worth a look", Scope: checks.Database, Replicated: true, Doc: doc,
		Session: checks.CatalogSession}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "l002_keys.sql", SQL: queryKeys},
		{Name: "l002_fk_types.sql", SQL: queryFKTypes},
		{Name: "l002_types.sql", SQL: queryTypes},
	}
}

// Key is an int2/int4 key column on a table with many rows for its type.
type Key struct {
	Schema   checks.Name       `json:"schema"`
	Table    checks.Name       `json:"table"`
	Column   checks.Name       `json:"column"`
	Type     checks.Text       `json:"type"`
	PK       bool              `json:"primary_key"` // the whole primary key
	Identity bool              `json:"identity"`
	Fed      bool              `json:"sequence"` // fed by a sequence (serial, identity, nextval default)
	Rows     checks.Estimate   `json:"rows"`     // reltuples (all partitions)
	Bytes    int64             `json:"bytes"`    // relpages * block_size (all partitions)
	RowsPct  float64           `json:"rows_pct"` // rows as a percentage of the type's maximum
	Fix      checks.Definition `json:"fix"`      // ALTER TABLE ... TYPE bigint
}

// Mismatch is a foreign key column whose type differs from the referenced column's.
type Mismatch struct {
	Schema     checks.Name       `json:"schema"`
	Table      checks.Name       `json:"table"`
	Constraint checks.Name       `json:"constraint"`
	Column     checks.Name       `json:"column"`
	Type       checks.Text       `json:"type"`
	RefSchema  checks.Name       `json:"ref_schema"`
	RefTable   checks.Name       `json:"ref_table"`
	RefColumn  checks.Name       `json:"ref_column"`
	RefType    checks.Text       `json:"ref_type"`
	Fix        checks.Definition `json:"fix"` // gives the column the referenced column's type
}

// TypeTable lists a table's timestamp without time zone and money columns.
type TypeTable struct {
	Schema    checks.Name   `json:"schema"`
	Table     checks.Name   `json:"table"`
	Timestamp []checks.Name `json:"timestamp_columns"`
	Money     []checks.Name `json:"money_columns"`
}

// Data is what L002 reports.
type Data struct {
	Keys      []Key `json:"keys"`
	KeysTotal int   `json:"keys_total"`
	// KeysTotalP2 is how many of KeysTotal reach key_p2_pct, listed or not.
	KeysTotalP2      int         `json:"keys_total_p2"`
	Mismatches       []Mismatch  `json:"fk_mismatches"`
	MismatchesTotal  int         `json:"fk_mismatches_total"`
	Tables           []TypeTable `json:"type_tables"`
	TablesTotal      int         `json:"type_tables_total"`
	TimestampColumns int64       `json:"timestamp_columns"`
	TimestampTables  int64       `json:"timestamp_tables"`
	MoneyColumns     int64       `json:"money_columns"`
	MoneyTables      int64       `json:"money_tables"`
	TopN             int         `json:"top_n"`
	KeyP3Pct         float64     `json:"key_p3_pct"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Keys: []Key{}, Mismatches: []Mismatch{}, Tables: []TypeTable{}, TopN: c.cfg.TopN, KeyP3Pct: c.cfg.KeyP3Pct}
	if err := scan(ctx, t, queryKeys, "integer keys", func(r rowScanner) error {
		var k Key
		err := r.Scan(&k.Schema, &k.Table, &k.Column, &k.Type, &k.PK, &k.Identity, &k.Fed, &k.Rows, &k.Bytes, &k.RowsPct, &k.Fix, &d.KeysTotal, &d.KeysTotalP2)
		d.Keys = append(d.Keys, k)
		return err
	}, c.cfg.KeyP3Pct/100, c.cfg.TopN, c.cfg.KeyP2Pct/100); err != nil {
		return nil, err
	}
	if err := scan(ctx, t, queryFKTypes, "foreign key types", func(r rowScanner) error {
		var m Mismatch
		err := r.Scan(&m.Schema, &m.Table, &m.Constraint, &m.Column, &m.Type, &m.RefSchema, &m.RefTable, &m.RefColumn, &m.RefType, &m.Fix, &d.MismatchesTotal)
		d.Mismatches = append(d.Mismatches, m)
		return err
	}, c.cfg.TopN); err != nil {
		return nil, err
	}
	if err := scan(ctx, t, queryTypes, "column types", func(r rowScanner) error {
		var x TypeTable
		err := r.Scan(&x.Schema, &x.Table, &x.Timestamp, &x.Money, &d.TimestampColumns, &d.TimestampTables,
			&d.MoneyColumns, &d.MoneyTables, &d.TablesTotal)
		d.Tables = append(d.Tables, x)
		return err
	}, c.cfg.TopN); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scan(ctx context.Context, t *checks.Target, q, what string, row func(rowScanner) error, args ...any) error {
	rows, err := t.DB.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}
