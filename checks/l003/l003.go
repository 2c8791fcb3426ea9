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

//go:embed l003_rels.sql
var relsQuery string

//go:embed l003_depend.sql
var dependQuery string

//go:embed l003_columns.sql
var columnsQuery string

//go:embed l003_owned.sql
var ownedQuery string

//go:embed l003_read.sql
var readQuery string

//go:embed l003_names.sql
var namesQuery string

//go:embed l003_schemas.sql
var schemasQuery string

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
	// BatchSize is how many sequences one statement reads. Each read holds a lock until
	// the statement's transaction ends, so a statement holds at most this many locks
	// however many sequences there are; every sequence is read, in
	// ceil(sequences / batch_size) statements.
	BatchSize int `toml:"batch_size"`
	// MaxSequences is read and ignored: it capped the sequences read before every
	// sequence was (issue 13). Kept so that a configuration that sets it still loads.
	MaxSequences int `toml:"max_sequences"`
}

// Validate implements checks.Validator.
func (c *Config) Validate() error {
	if c.BatchSize < 1 {
		return fmt.Errorf("batch_size must be at least 1, not %d", c.BatchSize)
	}
	return nil
}

// New returns L003 with its defaults. A batch of 400 stays far below the shared lock
// table of a default server (max_locks_per_transaction 64 × max_connections 100 and more).
func New() *Check { return &Check{cfg: Config{P1Pct: 75, P2Pct: 50, TopN: 50, BatchSize: 400}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	// Reading a sequence's position opens it, and the backend keeps every opened
	// relation cached for the session: about 2.6 kB a sequence, 86 MB at 33,000. Its
	// own session returns that memory when it ends (docs/benchmarks.md).
	return checks.Meta{ID: "L003", Title: "Integer capacity of sequence-fed columns", Scope: checks.Database, Replicated: true, Doc: doc,
		Session: checks.OwnSession, Requires: []checks.Requirement{checks.NeedHelpers}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "l003.sql", SQL: query}, {Name: "l003_rels.sql", SQL: relsQuery},
		{Name: "l003_depend.sql", SQL: dependQuery}, {Name: "l003_columns.sql", SQL: columnsQuery},
		{Name: "l003_owned.sql", SQL: ownedQuery},
		{Name: "l003_read.sql", SQL: readQuery}, {Name: "l003_names.sql", SQL: namesQuery},
		{Name: "l003_schemas.sql", SQL: schemasQuery},
		{Name: "helpers", SQL: checks.HelpersQuery("L003")}, {Name: "l003_helpers.sql", SQL: helpersQuery}}
}

// Column states.
const (
	StateRead       checks.Label = "read"        // last_value read, UsedPct set
	StateUnused     checks.Label = "unused"      // no last_value: never called, or reset with setval(..., false)
	StateNotVisible checks.Label = "not-visible" // the role may not read the sequence
	StateNotRead    checks.Label = "not-read"    // unlogged, on a standby (or dropped while the check ran)
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
	Columns    []Column `json:"columns"` // the top_n fullest
	Total      int      `json:"total"`   // sequence-fed int2/int4 columns, all read
	NotVisible int      `json:"not_visible"`
	NotRead    int      `json:"not_read"`
	Unused     int      `json:"unused"`
	// AtP1 and AtP2 count every column, listed or not, whose share used is at least
	// p1_pct, and at least p2_pct but below p1_pct.
	AtP1 int `json:"at_p1"`
	AtP2 int `json:"at_p2"`
	// Locked are the sequences another session holds or awaits an ACCESS EXCLUSIVE lock
	// on: reading them would wait for it, and pgcheckup never waits for locks.
	Locked       []Sequence          `json:"locked"`
	SchemaGrants []checks.Definition `json:"schema_grants"` // GRANTs that make the hidden sequences readable
	Truncated    bool                `json:"truncated"`
	TopN         int                 `json:"top_n"`
	// Sequences is how many sequences were read, in Batches statements of at most
	// BatchSize each.
	Sequences int         `json:"sequences"`
	Batches   int         `json:"batches"`
	BatchSize int         `json:"batch_size"`
	User      checks.Name `json:"user"`
	// Helpers: whether the positions of sequences the role may not read were read
	// through the setup helpers; nil when it could read every one (or is a superuser).
	Helpers *checks.HelperUse `json:"helpers,omitempty"`
}

// Sequence names a sequence.
type Sequence struct {
	Schema checks.Name `json:"schema"`
	Name   checks.Name `json:"name"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	cols, err := readColumns(ctx, t.DB)
	if err != nil {
		return nil, err
	}
	batches, err := readPositions(ctx, t.DB, cols, max(c.cfg.BatchSize, 1))
	if err != nil {
		return nil, err
	}
	helpers, more, err := throughHelpers(ctx, t, cols, max(c.cfg.BatchSize, 1))
	if err != nil {
		return nil, err
	}
	judge(cols)
	if cols, err = nameListed(ctx, t.DB, cols, c.cfg.TopN); err != nil {
		return nil, err
	}
	d := summarize(cols, c.cfg, t.Node.User)
	d.Batches, d.Helpers = batches+more, helpers
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}
