// Package l003 measures how much of its integer type's range each sequence-fed int2/int4
// column has used, from the sequence's last_value: a column that runs out stops every
// insert into its table.
package l003

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

//go:embed l003.sql
var query string

// Check is L003.
type Check struct{ cfg Config }

// Config holds L003's thresholds.
type Config struct {
	// P1Pct and P2Pct: share of the column type's range used (percent) from which a
	// column is P1 or P2.
	P1Pct float64 `toml:"p1_pct"`
	P2Pct float64 `toml:"p2_pct"`
	// TopN limits the columns listed, fullest first.
	TopN int `toml:"top_n"`
	// MaxSequences caps the sequences read in one run: each read holds a lock until the
	// query ends, and thousands of locks can exhaust the shared lock table.
	MaxSequences int `toml:"max_sequences"`
}

// New returns L003 with its defaults.
func New() *Check { return &Check{cfg: Config{P1Pct: 75, P2Pct: 50, TopN: 50, MaxSequences: 1000}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "L003", Title: "Integer capacity of sequence-fed columns", Scope: checks.Database, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query { return []checks.Query{{Name: "l003.sql", SQL: query}} }

// Column states.
const (
	StateRead       checks.Label = "read"        // last_value read, UsedPct set
	StateUnused     checks.Label = "unused"      // no last_value: never called, or reset with setval(..., false)
	StateNotVisible checks.Label = "not-visible" // the role may not read the sequence
	StateNotRead    checks.Label = "not-read"    // beyond max_sequences, or unlogged on a standby
	StateLocked     checks.Label = "locked"      // another session holds or awaits an ACCESS EXCLUSIVE lock on it
)

// Column is one int2/int4 column fed by a sequence.
type Column struct {
	Schema    checks.Name       `json:"schema"`
	Table     checks.Name       `json:"table"`
	Column    checks.Name       `json:"column"`
	Type      checks.Text       `json:"type"` // smallint or integer (the base type of a domain)
	Identity  bool              `json:"identity"`
	Rows      checks.Estimate   `json:"rows"` // reltuples
	SeqSchema checks.Name       `json:"seq_schema"`
	Sequence  checks.Name       `json:"sequence"`
	SeqType   checks.Text       `json:"seq_type"`
	Increment int64             `json:"increment"`
	SeqMin    int64             `json:"seq_min"`
	SeqMax    int64             `json:"seq_max"`
	Cycle     bool              `json:"cycle"`
	State     checks.Label      `json:"state"`
	LastValue *int64            `json:"last_value"`
	UsedPct   *float64          `json:"used_pct"`
	AlterCol  checks.Definition `json:"alter_column"`
	AlterSeq  checks.Definition `json:"alter_sequence,omitempty"`
	Grant     checks.Definition `json:"grant"`
}

// Data is what L003 reports.
type Data struct {
	Columns    []Column `json:"columns"`
	Total      int      `json:"total"` // sequence-fed int2/int4 columns
	NotVisible int      `json:"not_visible"`
	NotRead    int      `json:"not_read"`
	Unused     int      `json:"unused"`
	// Locked are the sequences another session holds or awaits an ACCESS EXCLUSIVE lock
	// on: reading them would wait for it, and pgcheckup never waits for locks.
	Locked       []Sequence          `json:"locked"`
	SchemaGrants []checks.Definition `json:"schema_grants"` // GRANTs that make the hidden sequences readable
	Truncated    bool                `json:"truncated"`
	TopN         int                 `json:"top_n"`
	MaxSequences int                 `json:"max_sequences"`
	User         checks.Name         `json:"user"`
}

// Sequence names a sequence.
type Sequence struct {
	Schema checks.Name `json:"schema"`
	Name   checks.Name `json:"name"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Columns: []Column{}, SchemaGrants: []checks.Definition{}, Locked: []Sequence{}, TopN: c.cfg.TopN, MaxSequences: c.cfg.MaxSequences,
		User: checks.Name(t.Node.User)}
	rows, err := t.DB.Query(ctx, query, c.cfg.TopN, c.cfg.MaxSequences)
	if err != nil {
		return nil, fmt.Errorf("read sequences: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Column
		var visible, read, locked bool
		var alterSeq *string
		var grants []checks.Definition
		var lockedSchemas, lockedNames []string
		if err := rows.Scan(&x.Schema, &x.Table, &x.Column, &x.Type, &x.Identity, &x.Rows, &x.SeqSchema, &x.Sequence,
			&x.SeqType, &x.Increment, &x.SeqMin, &x.SeqMax, &x.Cycle, &visible, &read, &locked, &x.LastValue, &x.UsedPct,
			&x.AlterCol, &alterSeq, &x.Grant, &d.Total, &d.NotVisible, &d.NotRead, &lockedSchemas, &lockedNames, &d.Unused, &grants); err != nil {
			return nil, fmt.Errorf("read sequences: %w", err)
		}
		if alterSeq != nil {
			x.AlterSeq = checks.Definition(*alterSeq)
		}
		if grants != nil {
			d.SchemaGrants = grants
		}
		if len(d.Locked) == 0 {
			for i := range min(len(lockedSchemas), len(lockedNames)) {
				d.Locked = append(d.Locked, Sequence{Schema: checks.Name(lockedSchemas[i]), Name: checks.Name(lockedNames[i])})
			}
		}
		x.State = state(visible, read, x.LastValue != nil)
		if locked && visible {
			x.State = StateLocked
		}
		d.Columns = append(d.Columns, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sequences: %w", err)
	}
	d.Truncated = d.Total > len(d.Columns)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func state(visible, read, hasValue bool) checks.Label {
	switch {
	case !visible:
		return StateNotVisible
	case !read:
		return StateNotRead
	case !hasValue:
		return StateUnused
	}
	return StateRead
}
