// Package l005 finds constraints never validated (marked NOT VALID, or on 18 declared
// NOT ENFORCED) and foreign keys whose referenced side has no usable unique index.
package l005

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed l005_not_valid.sql
	queryNotValid string
	// 18 adds NOT ENFORCED constraints, which are never validated either.
	//go:embed l005_not_valid_pg18.sql
	queryNotValid18 string
	//go:embed l005_fk_unique.sql
	queryFKUnique string
)

// Check is L005.
type Check struct{ cfg Config }

// Config holds L005's settings.
type Config struct {
	// TopN limits each list (NOT VALID constraints, largest table first; foreign keys).
	TopN int `toml:"top_n"`
}

// New returns L005 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 50}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "L005", Title: "Constraints not validated, foreign keys without a unique index", Scope: checks.Database, Replicated: true,
		// sorts every foreign key (50,000 tables: more than the default work_mem)
		Session: checks.CatalogSession, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "l005_not_valid.sql", MaxVersion: 180000, SQL: queryNotValid},
		{Name: "l005_not_valid.sql", MinVersion: 180000, SQL: queryNotValid18},
		{Name: "l005_fk_unique.sql", SQL: queryFKUnique},
	}
}

// NotValid is a constraint marked NOT VALID, or declared NOT ENFORCED (NotEnforced).
type NotValid struct {
	Schema     checks.Name       `json:"schema"`
	Object     checks.Name       `json:"object"` // the table, or the domain
	Constraint checks.Name       `json:"constraint"`
	Kind       checks.Label      `json:"kind"` // foreign key, check, not null
	OnDomain   bool              `json:"on_domain"`
	Definition checks.Definition `json:"definition"` // empty when Locked
	// Locked: another session holds or awaits an ACCESS EXCLUSIVE lock on the table (or
	// the referenced one), so the definition was not read (pgcheckup never waits for locks).
	Locked bool `json:"locked"`
	// NotEnforced: declared NOT ENFORCED (18), so never checked at all; VALIDATE
	// refuses it.
	NotEnforced bool            `json:"not_enforced"`
	Bytes       int64           `json:"bytes"` // what VALIDATE scans: relpages * block_size
	Rows        checks.Estimate `json:"rows"`
	// Fix is VALIDATE CONSTRAINT, or for NOT ENFORCED what makes it enforced (empty for a
	// check constraint whose definition was not read).
	Fix checks.Definition `json:"fix"`
}

// FK problems with the referenced side's index.
const (
	NoIndex      checks.Label = "no-index"      // conindid is 0 or names no index
	OtherTable   checks.Label = "other-table"   // the index is not on the referenced table
	Invalid      checks.Label = "invalid"       // the index is invalid, not ready or being dropped
	NotUnique    checks.Label = "not-unique"    //
	Deferrable   checks.Label = "deferrable"    // uniqueness is checked only at commit
	Partial      checks.Label = "partial"       //
	OtherColumns checks.Label = "other-columns" // its key columns are not the referenced columns
)

// BadFK is a foreign key whose referenced side lacks a usable unique index.
type BadFK struct {
	Schema      checks.Name       `json:"schema"`
	Table       checks.Name       `json:"table"`
	Constraint  checks.Name       `json:"constraint"`
	RefSchema   checks.Name       `json:"ref_schema"`
	RefTable    checks.Name       `json:"ref_table"`
	RefColumns  []checks.Name     `json:"ref_columns"`
	Index       checks.Name       `json:"index,omitempty"`
	IndexSchema checks.Name       `json:"index_schema,omitempty"`
	Problem     checks.Label      `json:"problem"`
	Fix         checks.Definition `json:"fix"`
}

// Data is what L005 reports.
type Data struct {
	NotValid          []NotValid `json:"not_valid"`
	NotValidTotal     int        `json:"not_valid_total"`    // every constraint of the list, NOT ENFORCED too
	NotEnforcedTotal  int        `json:"not_enforced_total"` // of those, how many are NOT ENFORCED
	NotValidTruncated bool       `json:"not_valid_truncated"`
	BadFKs            []BadFK    `json:"bad_fks"`
	BadFKsTotal       int        `json:"bad_fks_total"`
	BadFKsTruncated   bool       `json:"bad_fks_truncated"`
	TopN              int        `json:"top_n"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{NotValid: []NotValid{}, BadFKs: []BadFK{}, TopN: c.cfg.TopN}
	if err := c.readNotValid(ctx, t, &d); err != nil {
		return nil, err
	}
	if err := c.readBadFKs(ctx, t, &d); err != nil {
		return nil, err
	}
	d.NotValidTruncated = d.NotValidTotal > len(d.NotValid)
	d.BadFKsTruncated = d.BadFKsTotal > len(d.BadFKs)
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

func (c *Check) readNotValid(ctx context.Context, t *checks.Target, d *Data) error {
	sql, ok := checks.Pick(c.Queries(), "l005_not_valid.sql", t.Node.VersionNum)
	if !ok {
		return fmt.Errorf("no statement for server version %d", t.Node.VersionNum)
	}
	rows, err := t.DB.Query(ctx, sql, c.cfg.TopN)
	if err != nil {
		return fmt.Errorf("read NOT VALID constraints: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x NotValid
		var kind string
		var def *string
		if err := rows.Scan(&x.Schema, &x.Object, &x.Constraint, &kind, &x.OnDomain, &def, &x.Locked, &x.Bytes, &x.Rows,
			&x.NotEnforced, &x.Fix, &d.NotValidTotal, &d.NotEnforcedTotal); err != nil {
			return fmt.Errorf("read NOT VALID constraints: %w", err)
		}
		x.Kind = checks.Label(kind)
		if def != nil {
			x.Definition = checks.Definition(*def)
		}
		d.NotValid = append(d.NotValid, x)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read NOT VALID constraints: %w", err)
	}
	return nil
}

func (c *Check) readBadFKs(ctx context.Context, t *checks.Target, d *Data) error {
	rows, err := t.DB.Query(ctx, queryFKUnique, c.cfg.TopN)
	if err != nil {
		return fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x BadFK
		var index, indexSchema *string
		var problem string
		if err := rows.Scan(&x.Schema, &x.Table, &x.Constraint, &x.RefSchema, &x.RefTable, &x.RefColumns, &index,
			&indexSchema, &problem, &x.Fix, &d.BadFKsTotal); err != nil {
			return fmt.Errorf("read foreign keys: %w", err)
		}
		if index != nil && indexSchema != nil {
			x.Index, x.IndexSchema = checks.Name(*index), checks.Name(*indexSchema)
		}
		x.Problem = checks.Label(problem)
		d.BadFKs = append(d.BadFKs, x)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read foreign keys: %w", err)
	}
	return nil
}
