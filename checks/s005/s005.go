// Package s005 reviews the logging settings that write secrets into the server log
// (statements logged in full, password-setting ones included) and those that leave no
// record of who connected.
package s005

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	settingsSQL = pgsettings.SQL("S005")
	//go:embed s005_overrides.sql
	overridesSQL string

	// statementSettings put statement texts into the log; they may also be set per role
	// or database. log_min_duration_sample and log_statement_sample_rate exist from 13.
	statementSettings = []string{"log_statement", "log_min_duration_statement", "log_min_duration_sample",
		"log_statement_sample_rate", "log_transaction_sample_rate", "debug_print_parse", "debug_print_rewritten", "debug_print_plan"}
	settingNames = append(append([]string(nil), statementSettings...), "log_connections", "log_disconnections",
		"logging_collector", "log_file_mode", "log_line_prefix", "log_min_error_statement")
)

// Check is S005.
type Check struct{ cfg Config }

// Config holds S005's limits.
type Config struct {
	MaxOverrides int `toml:"max_overrides"` // per role/database log settings listed
}

// New returns S005 with its defaults.
func New() *Check { return &Check{cfg: Config{MaxOverrides: 100}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "S005", Title: "Logging of secrets and connections", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}, {Name: "s005_overrides.sql", SQL: overridesSQL}}
}

// Override is a logging setting set for a role and/or database.
type Override struct {
	Database checks.Name `json:"database,omitempty"` // empty: every database
	Role     checks.Name `json:"role,omitempty"`     // empty: every role
	checks.Setting
}

// Data is what S005 reports.
type Data struct {
	Settings       []pgsettings.Converted `json:"settings"`
	Overrides      []Override             `json:"overrides"`
	OverridesTotal int                    `json:"overrides_total"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Overrides: []Override{}}
	var err error
	if d.Settings, err = pgsettings.ReadConverted(ctx, t.DB, settingsSQL, settingNames); err != nil {
		return nil, err
	}
	rows, err := t.DB.Query(ctx, overridesSQL, statementSettings, max(c.cfg.MaxOverrides, 1))
	if err != nil {
		return nil, fmt.Errorf("read pg_db_role_setting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Override
		if err := rows.Scan(&o.Database, &o.Role, &o.Name, &o.Value, &d.OverridesTotal); err != nil {
			return nil, fmt.Errorf("read pg_db_role_setting: %w", err)
		}
		d.Overrides = append(d.Overrides, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_db_role_setting: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}
