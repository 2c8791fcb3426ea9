// Package f001 reviews the autovacuum settings: whether autovacuum runs at all, when it
// triggers, the freeze ages, and per-table overrides in reloptions.
package f001

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

//go:embed f001_tables.sql
var tablesSQL string

var settingsSQL = pgsettings.SQL("F001")

// names are the settings F001 reads, in the order the report lists them. Settings a
// major does not have (insert thresholds before 13, max_threshold and worker slots
// before 18) are simply absent.
var names = []string{
	"autovacuum", "track_counts", "autovacuum_naptime",
	"autovacuum_vacuum_threshold", "autovacuum_vacuum_scale_factor", "autovacuum_vacuum_max_threshold",
	"autovacuum_vacuum_insert_threshold", "autovacuum_vacuum_insert_scale_factor",
	"autovacuum_analyze_threshold", "autovacuum_analyze_scale_factor",
	"autovacuum_freeze_max_age", "autovacuum_multixact_freeze_max_age",
	"vacuum_freeze_min_age", "vacuum_freeze_table_age",
	"vacuum_multixact_freeze_min_age", "vacuum_multixact_freeze_table_age",
	"vacuum_failsafe_age", "vacuum_multixact_failsafe_age",
	"autovacuum_max_workers", "autovacuum_worker_slots",
	"autovacuum_vacuum_cost_delay", "autovacuum_vacuum_cost_limit", "autovacuum_work_mem",
	"log_autovacuum_min_duration",
}

// Check is F001.
type Check struct{ cfg Config }

// Config holds F001's thresholds.
type Config struct {
	// MaxTables limits the tables with per-table autovacuum options listed (largest first,
	// tables with autovacuum disabled before all others).
	MaxTables int `toml:"max_tables"`
	// Global settings above these make autovacuum run later than the PostgreSQL
	// defaults (the same on every supported major): P3.
	MaxVacuumScaleFactor  float64 `toml:"max_vacuum_scale_factor"`
	MaxAnalyzeScaleFactor float64 `toml:"max_analyze_scale_factor"`
	MaxNaptimeSeconds     float64 `toml:"max_naptime_seconds"`
	// MaxFreezeMaxAge: autovacuum_freeze_max_age or autovacuum_multixact_freeze_max_age
	// above it leaves little headroom before the 2^31 wraparound limit: P3.
	MaxFreezeMaxAge float64 `toml:"max_freeze_max_age"`
}

// New returns F001 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MaxTables: 50, MaxVacuumScaleFactor: 0.2, MaxAnalyzeScaleFactor: 0.1,
		MaxNaptimeSeconds: 60, MaxFreezeMaxAge: 1.2e9}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "F001", Title: "Autovacuum settings", Scope: checks.Database, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}, {Name: "f001_tables.sql", SQL: tablesSQL}}
}

// Table is a table (or its TOAST table) with autovacuum-related storage options.
type Table struct {
	Schema   checks.Name   `json:"schema"`
	Table    checks.Name   `json:"table"`
	Ident    checks.Name   `json:"ident"` // schema-qualified and quoted as SQL needs it
	Toast    bool          `json:"toast"` // the options are set on the table's TOAST table
	Disabled bool          `json:"autovacuum_disabled"`
	Options  []checks.Text `json:"options"`
	Bytes    int64         `json:"bytes"` // relpages × block size: the size at the last VACUUM/ANALYZE
}

// Data is what F001 reports.
type Data struct {
	Settings          []pgsettings.Converted `json:"settings"`
	Tables            []Table                `json:"tables"`
	TablesWithOptions int                    `json:"tables_with_options"` // all of them, listed or not
	TablesDisabled    int                    `json:"tables_disabled"`     // all of them, listed or not
	// Relations counts the rows Tables is the top of: a table and its TOAST table are two
	// relations but one table in the counts above.
	Relations int `json:"relations"`
	Limit     int `json:"limit"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	// At least one row, so that the totals (window counts) always arrive.
	d := Data{Limit: max(c.cfg.MaxTables, 1), Tables: []Table{}}
	var err error
	if d.Settings, err = pgsettings.ReadConverted(ctx, t.DB, settingsSQL, names); err != nil {
		return nil, err
	}
	rows, err := t.DB.Query(ctx, tablesSQL, d.Limit)
	if err != nil {
		return nil, fmt.Errorf("read table options: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tb Table
		var opts []string
		var total, disabled int
		if err := rows.Scan(&tb.Schema, &tb.Table, &tb.Ident, &tb.Toast, &tb.Disabled, &opts, &tb.Bytes,
			&d.Relations, &total, &disabled); err != nil {
			return nil, fmt.Errorf("read table options: %w", err)
		}
		for _, o := range opts {
			tb.Options = append(tb.Options, checks.Text(o))
		}
		d.Tables = append(d.Tables, tb)
		d.TablesWithOptions, d.TablesDisabled = total, disabled
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read table options: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

const doc = `Reads the autovacuum settings from ` + "`pg_settings`" + ` (value, unit, source, compiled-in
default of the running major, pending restart) and, in the current database, every table and
TOAST table whose ` + "`reloptions`" + ` hold autovacuum or vacuum options (largest first, tables
with autovacuum disabled before all others, at most ` + "`max_tables`" + `, default 50; the totals
count all of them, a table and its TOAST table as one table). Sizes are ` + "`relpages`" + ` as of the last VACUUM or ANALYZE. Worker count,
cost limits and memory are judged in F008.

Defaults are those of the running major (` + "`boot_val`" + `; the report shows them next to each
value): ` + "`autovacuum_vacuum_cost_delay`" + ` is 2ms from 12 on, the insert-driven thresholds
(` + "`autovacuum_vacuum_insert_threshold`/`_scale_factor`" + `) exist from 13,
` + "`autovacuum_worker_slots` and `autovacuum_vacuum_max_threshold`" + ` from 18.

- **P1** ` + "`autovacuum = off`" + `, or ` + "`track_counts = off`" + ` (autovacuum then cannot tell which
  tables need work). Only anti-wraparound vacuums run.
- **P2** a table or its TOAST table has ` + "`autovacuum_enabled = false`" + `. The conclusion names
  them and gives the ` + "`ALTER TABLE ... RESET`" + ` statements.
- **P3** ` + "`autovacuum_vacuum_scale_factor`" + ` above ` + "`max_vacuum_scale_factor`" + ` (0.2),
  ` + "`autovacuum_analyze_scale_factor`" + ` above ` + "`max_analyze_scale_factor`" + ` (0.1),
  ` + "`autovacuum_naptime`" + ` above ` + "`max_naptime_seconds`" + ` (60): autovacuum runs later than with
  the PostgreSQL defaults (the thresholds are those defaults, equal on 12 to 18).
- **P3** ` + "`autovacuum_freeze_max_age`" + ` or ` + "`autovacuum_multixact_freeze_max_age`" + ` above
  ` + "`max_freeze_max_age`" + ` (1.2 billion): raising them from the defaults (200 and 400 million)
  is a common tuning, but above this little headroom is left before the 2^31 wraparound stop.
- **P3** ` + "`autovacuum_vacuum_insert_threshold = -1`" + ` (13+): inserts never trigger a vacuum, so
  append-only tables are not frozen or marked all-visible until wraparound forces it.

The values are those of pgcheckup's session; autovacuum settings can only be set
server-wide (` + "`sighup`/`postmaster`" + ` context), so no per-role value hides them. Per-table
options in the list override the global settings for that table only.`
