// Package s002 reviews how passwords are stored: password_encryption (server-wide and
// per role or database), and, where pg_authid is readable, the roles whose stored secret
// is still an MD5 hash. No password or hash leaves the server: the statement reads only
// whether each secret starts with "md5" or "SCRAM-SHA-256$".
package s002

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	settingsSQL = pgsettings.SQL("S002")
	//go:embed s002_readable.sql
	readableSQL string
	//go:embed s002_secrets.sql
	secretsSQL string
	//go:embed s002_overrides.sql
	overridesSQL string

	// scram_iterations exists from 16, md5_password_warnings from 18.
	settingNames = []string{"password_encryption", "scram_iterations", "md5_password_warnings"}
)

// Check is S002.
type Check struct{ cfg Config }

// Config holds S002's thresholds.
type Config struct {
	MaxRoles     int `toml:"max_roles"`     // MD5 roles listed (all are counted)
	MaxOverrides int `toml:"max_overrides"` // password_encryption overrides listed
	// MinScramIterations: scram_iterations (16+) below it is P3 (4096, the default and
	// the RFC 7677 minimum).
	MinScramIterations float64 `toml:"min_scram_iterations"`
}

// New returns S002 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MaxRoles: 200, MaxOverrides: 100, MinScramIterations: 4096}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check. It needs no privilege: without superuser it judges the
// settings and says that the stored secrets are unknown.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "S002", Title: "Passwords", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}, {Name: "s002_readable.sql", SQL: readableSQL},
		{Name: "s002_secrets.sql", SQL: secretsSQL}, {Name: "s002_overrides.sql", SQL: overridesSQL}}
}

// Override is password_encryption set for a role and/or database.
type Override struct {
	Database checks.Name `json:"database,omitempty"` // empty: every database
	Role     checks.Name `json:"role,omitempty"`     // empty: every role
	checks.Setting
}

// Secrets counts the stored secrets by kind; read only where pg_authid is readable.
type Secrets struct {
	MD5Total   int `json:"md5_total"`
	MD5Login   int `json:"md5_login"` // of which the role can log in
	SCRAMTotal int `json:"scram_total"`
	// Login roles with no password at all: they cannot log in by password.
	LoginWithoutPassword int `json:"login_without_password"`
	// MD5Roles names the roles with an MD5 secret, login roles first (max_roles).
	MD5Roles []checks.Name `json:"md5_roles"`
}

// Data is what S002 reports.
type Data struct {
	Settings       []pgsettings.Converted `json:"settings"`
	Overrides      []Override             `json:"overrides"`
	OverridesTotal int                    `json:"overrides_total"`
	// AuthidReadable: pgcheckup's role may read pg_authid (superuser, or granted).
	AuthidReadable bool     `json:"authid_readable"`
	Secrets        *Secrets `json:"secrets,omitempty"`
	// User is pgcheckup's role, named in the hint when pg_authid is not readable.
	User checks.Name `json:"user"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Overrides: []Override{}, User: checks.Name(t.Node.User)}
	var err error
	if d.Settings, err = pgsettings.ReadConverted(ctx, t.DB, settingsSQL, settingNames); err != nil {
		return nil, err
	}
	if err := c.readOverrides(ctx, t.DB, &d); err != nil {
		return nil, err
	}
	// Ask before reading: a refused SELECT on pg_authid would write an error into the
	// server log on every run.
	if err := t.DB.QueryRow(ctx, readableSQL).Scan(&d.AuthidReadable); err != nil {
		return nil, fmt.Errorf("check pg_authid privilege: %w", err)
	}
	if d.AuthidReadable {
		s := Secrets{}
		if err := t.DB.QueryRow(ctx, secretsSQL, max(c.cfg.MaxRoles, 1)).Scan(&s.MD5Total, &s.MD5Login, &s.SCRAMTotal,
			&s.LoginWithoutPassword, &s.MD5Roles); err != nil {
			return nil, fmt.Errorf("read pg_authid: %w", err)
		}
		d.Secrets = &s
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func (c *Check) readOverrides(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, overridesSQL, max(c.cfg.MaxOverrides, 1))
	if err != nil {
		return fmt.Errorf("read pg_db_role_setting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o := Override{Setting: checks.Setting{Name: "password_encryption"}}
		if err := rows.Scan(&o.Database, &o.Role, &o.Value, &d.OverridesTotal); err != nil {
			return fmt.Errorf("read pg_db_role_setting: %w", err)
		}
		d.Overrides = append(d.Overrides, o)
	}
	return rows.Err()
}
