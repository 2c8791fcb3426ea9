// Package g003 reviews timeouts and lock settings, their per-database and per-role
// overrides, and the deadlocks counted per database.
package g003

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	settingsSQL = pgsettings.SQL("G003")
	//go:embed g003_file.sql
	fileSQL string
	//go:embed g003_overrides.sql
	overridesSQL string
	//go:embed g003_deadlocks.sql
	deadlocksSQL string
)

// timeouts are the settings whose server-wide value and overrides G003 judges.
// idle_session_timeout exists from 14, transaction_timeout from 17.
var timeouts = []string{"statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
	"idle_session_timeout", "transaction_timeout"}

var names = append(append([]string(nil), timeouts...),
	"deadlock_timeout", "log_lock_waits", "max_locks_per_transaction", "max_pred_locks_per_transaction")

// Check is G003.
type Check struct{ cfg Config }

// Config holds G003's thresholds.
type Config struct {
	MaxOverrides int `toml:"max_overrides"` // overrides listed
	MaxDatabases int `toml:"max_databases"` // databases with deadlocks listed
	// MinDeadlocks: this many deadlocks in a database since the statistics reset is P3.
	MinDeadlocks int64 `toml:"min_deadlocks"`
	// deadlock_timeout outside [MinDeadlockTimeoutMS, MaxDeadlockTimeoutMS] is P3.
	MinDeadlockTimeoutMS float64 `toml:"min_deadlock_timeout_ms"`
	MaxDeadlockTimeoutMS float64 `toml:"max_deadlock_timeout_ms"`
	// MinLocksPerTransaction: max_locks_per_transaction below it (the default, 64) is P3.
	MinLocksPerTransaction float64 `toml:"min_locks_per_transaction"`
}

// New returns G003 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MaxOverrides: 200, MaxDatabases: 50, MinDeadlocks: 1, MinDeadlockTimeoutMS: 100,
		MaxDeadlockTimeoutMS: 10000, MinLocksPerTransaction: 64}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "G003", Title: "Timeouts, locks and deadlocks", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}, {Name: "g003_file.sql", SQL: fileSQL},
		{Name: "g003_overrides.sql", SQL: overridesSQL},
		{Name: "g003_deadlocks.sql", SQL: deadlocksSQL}}
}

// Origins say where a server-wide value was learnt.
const (
	FromSettings checks.Label = "pg_settings"      // the session sees the server-wide value
	FromFile     checks.Label = "pg_file_settings" // postgresql.conf or postgresql.auto.conf
	FromDefault  checks.Label = "default"          // in no configuration file: the compiled-in default
	Unknown      checks.Label = "unknown"          // hidden by a session value, files not readable
)

// Global is the server-wide value of a timeout, which pgcheckup's own session (it sets
// statement_timeout and lock_timeout) or an override for its role may hide.
type Global struct {
	checks.Setting
	Origin  checks.Label `json:"origin"`
	Seconds *float64     `json:"seconds,omitempty"` // above 0; nil when 0 (disabled) or unknown
}

// Override is one per-database and/or per-role setting (ALTER ROLE/DATABASE ... SET).
type Override struct {
	Database checks.Name `json:"database,omitempty"` // empty: every database
	Role     checks.Name `json:"role,omitempty"`     // empty: every role
	checks.Setting
	Seconds *float64 `json:"seconds,omitempty"` // above 0; nil when 0 (disabled) or unreadable
}

// DBDeadlocks is one database's deadlock count since its statistics were reset.
type DBDeadlocks struct {
	Database   checks.Name `json:"database"`
	Deadlocks  int64       `json:"deadlocks"`
	StatsReset *time.Time  `json:"stats_reset,omitempty"`
}

// Data is what G003 reports.
type Data struct {
	Settings             []pgsettings.Converted `json:"settings"`
	Globals              []Global               `json:"globals"`
	FileSettingsReadable bool                   `json:"file_settings_readable"`
	Overrides            []Override             `json:"overrides"`
	OverridesTotal       int                    `json:"overrides_total"`
	Deadlocks            []DBDeadlocks          `json:"deadlocks"`
	DeadlocksTotal       int64                  `json:"deadlocks_total"`
	DatabasesDeadlocked  int                    `json:"databases_deadlocked"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Overrides: []Override{}, Deadlocks: []DBDeadlocks{}}
	var err error
	if d.Settings, err = pgsettings.ReadConverted(ctx, t.DB, settingsSQL, names); err != nil {
		return nil, err
	}
	// pg_file_settings and the function behind it are for superusers only, unless granted
	// explicitly; such grants are rare, and asking would take a function the SQL audit
	// does not allow.
	d.FileSettingsReadable = t.Node.Superuser
	file := map[string]string{}
	if d.FileSettingsReadable {
		if file, err = readFile(ctx, t.DB); err != nil {
			return nil, err
		}
	}
	d.Globals = globals(d.Settings, file, d.FileSettingsReadable)
	if err := c.readOverrides(ctx, t.DB, &d); err != nil {
		return nil, err
	}
	if err := c.readDeadlocks(ctx, t.DB, &d); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// readFile returns the value each timeout gets from the configuration files; the last
// applied entry wins, as in the server.
func readFile(ctx context.Context, db checks.Querier) (map[string]string, error) {
	rows, err := db.Query(ctx, fileSQL, timeouts)
	if err != nil {
		return nil, fmt.Errorf("read pg_file_settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, fmt.Errorf("read pg_file_settings: %w", err)
		}
		out[name] = value
	}
	return out, rows.Err()
}

func (c *Check) readOverrides(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, overridesSQL, timeouts, max(c.cfg.MaxOverrides, 1))
	if err != nil {
		return fmt.Errorf("read pg_db_role_setting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Override
		if err := rows.Scan(&o.Database, &o.Role, &o.Name, &o.Value, &d.OverridesTotal); err != nil {
			return fmt.Errorf("read pg_db_role_setting: %w", err)
		}
		if v, ok := parseSeconds(string(o.Value)); ok && v > 0 {
			o.Seconds = &v
		}
		d.Overrides = append(d.Overrides, o)
	}
	return rows.Err()
}

func (c *Check) readDeadlocks(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, deadlocksSQL, max(c.cfg.MaxDatabases, 1))
	if err != nil {
		return fmt.Errorf("read pg_stat_database: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x DBDeadlocks
		if err := rows.Scan(&x.Database, &x.Deadlocks, &x.StatsReset, &d.DeadlocksTotal, &d.DatabasesDeadlocked); err != nil {
			return fmt.Errorf("read pg_stat_database: %w", err)
		}
		d.Deadlocks = append(d.Deadlocks, x)
	}
	return rows.Err()
}
