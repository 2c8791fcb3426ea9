// Package a007 lists the settings that differ from their compiled-in defaults, where each
// was set, and the per-database and per-role settings stored in pg_db_role_setting.
package a007

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	//go:embed a007.sql
	settingsQuery string
	//go:embed a007_overrides.sql
	overridesQuery string
)

// Check is A007.
type Check struct{}

// New returns A007.
func New() *Check { return &Check{} }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A007", Title: "Altered settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "a007.sql", SQL: settingsQuery}, {Name: "a007_overrides.sql", SQL: overridesQuery}}
}

// Where a setting was set, chosen by the check from pg_settings.source and sourcefile.
const (
	AlterSystem    = "ALTER SYSTEM" // postgresql.auto.conf
	ConfigFile     = "configuration file"
	CommandLine    = "command line"
	Environment    = "environment variable"
	AllRolesAllDBs = "ALTER ROLE ALL SET"
	ThisDatabase   = "ALTER DATABASE SET"
	ThisRole       = "ALTER ROLE SET"
	RoleInDatabase = "ALTER ROLE IN DATABASE SET"
)

// Altered is a setting whose value differs from its compiled-in default.
type Altered struct {
	checks.Setting
	Unit           checks.Text    `json:"unit,omitempty"`
	Category       checks.Text    `json:"category"`
	Source         checks.Text    `json:"source"`
	SourceFile     checks.Text    `json:"sourcefile,omitempty"`
	SourceLine     int            `json:"sourceline,omitempty"`
	Origin         checks.Label   `json:"origin"`
	Default        checks.Setting `json:"default"` // boot_val
	PendingRestart bool           `json:"pending_restart"`
	Context        checks.Text    `json:"context"`
	Bytes          *int64         `json:"bytes,omitempty"`         // memory settings, in bytes
	DefaultBytes   *int64         `json:"default_bytes,omitempty"` // the default, in bytes
}

// Override is one entry of pg_db_role_setting: a setting for one database, one role,
// or one role in one database. Empty Database/Role with the All flag set mean "all".
type Override struct {
	Database     checks.Name `json:"database,omitempty"`
	Role         checks.Name `json:"role,omitempty"`
	AllDatabases bool        `json:"all_databases"`
	AllRoles     bool        `json:"all_roles"`
	checks.Setting
}

// Data is what A007 reports.
type Data struct {
	Settings  []Altered  `json:"settings"`
	Overrides []Override `json:"overrides"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Settings: []Altered{}, Overrides: []Override{}}
	rows, err := t.DB.Query(ctx, settingsQuery)
	if err != nil {
		return nil, fmt.Errorf("read altered settings: %w", err)
	}
	for rows.Next() {
		var a Altered
		if err := rows.Scan(&a.Name, &a.Value, &a.Unit, &a.Category, &a.Source, &a.SourceFile,
			&a.SourceLine, &a.Default.Value, &a.PendingRestart, &a.Context); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read altered settings: %w", err)
		}
		a.Default.Name = a.Name
		a.Origin = origin(string(a.Source), string(a.SourceFile))
		if b, ok := (pgsettings.Row{Setting: a.Setting, Unit: a.Unit}).Bytes(); ok {
			a.Bytes = &b
		}
		if b, ok := (pgsettings.Row{Setting: a.Default, Unit: a.Unit}).Bytes(); ok {
			a.DefaultBytes = &b
		}
		d.Settings = append(d.Settings, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read altered settings: %w", err)
	}
	rows, err = t.DB.Query(ctx, overridesQuery)
	if err != nil {
		return nil, fmt.Errorf("read per-database and per-role settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Override
		if err := rows.Scan(&o.Database, &o.Role, &o.AllDatabases, &o.AllRoles, &o.Name, &o.Value); err != nil {
			return nil, fmt.Errorf("read per-database and per-role settings: %w", err)
		}
		d.Overrides = append(d.Overrides, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read per-database and per-role settings: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

func origin(source, file string) checks.Label {
	switch source {
	case "configuration file":
		// ALTER SYSTEM writes postgresql.auto.conf; with the file hidden from the role
		// the two cannot be told apart.
		if strings.HasSuffix(file, "postgresql.auto.conf") {
			return AlterSystem
		}
		return ConfigFile
	case "command line":
		return CommandLine
	case "environment variable":
		return Environment
	case "global":
		return AllRolesAllDBs
	case "database":
		return ThisDatabase
	case "user":
		return ThisRole
	case "database user":
		return RoleInDatabase
	}
	return checks.Label(source)
}

func analyze(d Data) []checks.Finding {
	var out []checks.Finding
	var sys []checks.Name
	var sysList []string
	for _, a := range d.Settings {
		if a.Origin == AlterSystem {
			sys = append(sys, a.Name)
			sysList = append(sysList, checks.Code(string(a.Name)))
		}
	}
	if len(sys) > 0 {
		out = append(out, checks.Finding{Code: "A007/alter-system", Severity: checks.Info, Objects: sys,
			Conclusion: fmt.Sprintf("%d setting(s) were set with `ALTER SYSTEM` and live in `postgresql.auto.conf`: %s. "+
				"They take precedence over `postgresql.conf`, so whoever edits that file (or the configuration management behind it) may not see them.",
				len(sys), strings.Join(sysList, ", ")),
			Recommendation: "Keep them there deliberately and document it, or move each into `postgresql.conf` and remove it with " +
				"`ALTER SYSTEM RESET name;` followed by `SELECT pg_reload_conf();`."})
	}
	if len(d.Overrides) > 0 {
		seen := map[checks.Name]bool{}
		var objs []checks.Name
		for _, o := range d.Overrides {
			for _, n := range []checks.Name{o.Database, o.Role} {
				if n != "" && !seen[n] {
					seen[n] = true
					objs = append(objs, n)
				}
			}
		}
		out = append(out, checks.Finding{Code: "A007/role-database-settings", Severity: checks.Info, Objects: objs,
			Conclusion: fmt.Sprintf("%d per-database or per-role setting(s) change the configuration for some sessions only. "+
				"They appear in no configuration file; the table in this check lists them.", len(d.Overrides)),
			Recommendation: "Review that each is still intended (psql: `\\drds`). Remove one that is not with its statement: " +
				resets(d.Overrides)})
	}
	return out
}

const doc = `Lists the settings whose current value differs from the compiled-in default
(` + "`pg_settings.setting <> boot_val`" + `) and says where each was set: ` + "`postgresql.conf`" + `
(file and line), ` + "`ALTER SYSTEM`" + ` (` + "`postgresql.auto.conf`" + `), the server's command line
or an environment variable. Settings computed by the server itself (source ` + "`override`" + `)
are left out. Then it lists every per-database and per-role setting stored in
` + "`pg_db_role_setting`" + ` (` + "`ALTER DATABASE ... SET`, `ALTER ROLE ... [IN DATABASE ...] SET`" + `),
for all databases and roles.

What pgcheckup cannot see: ` + "`application_name`, `statement_timeout`, `lock_timeout`, " +
	"`default_transaction_read_only` and `jit`" + ` are set by pgcheckup's own session, which hides
their server-wide values, so they are left out. Values set for the connected database or
role show with that source (` + "`ALTER DATABASE SET`" + `, ...); the table of per-database and
per-role settings has them all. File names and lines need superuser or
` + "`pg_read_all_settings`" + ` (in ` + "`pg_monitor`" + `); without it ` + "`ALTER SYSTEM`" + ` settings
show as "configuration file". Values of secret-bearing settings are redacted by the report's
privacy rules. Custom settings (a name with a dot, such as PostgREST's ` + "`app.jwt_secret`" + `)
are where applications keep secrets, and ` + "`pg_db_role_setting`" + ` is readable by every role:
their values are never shown, only that one is set ("hidden: custom setting"), except
for a few known extension settings (` + "`pg_stat_statements.*`, `auto_explain.*`" + `).
Built-in settings show their values wherever they were set.

Findings are informational; pending restarts are reported by A003:
- **info** ` + "`alter-system`" + `: settings set with ` + "`ALTER SYSTEM`" + `, which override
  ` + "`postgresql.conf`" + ` and are easy to miss.
- **info** ` + "`role-database-settings`" + `: per-database or per-role settings exist; they
  change behaviour for some sessions only and appear in no configuration file.`

// resets gives the statement that removes each override (the first few; the table lists
// all), so that the advice runs as written.
func resets(os []Override) string {
	const most = 10
	var stmts []string
	for i, o := range os {
		if i == most {
			stmts = append(stmts, fmt.Sprintf("and %d more like them.", len(os)-most))
			break
		}
		stmts = append(stmts, checks.Code(resetSQL(o)))
	}
	return strings.Join(stmts, " ")
}

func resetSQL(o Override) string {
	name := string(o.Name)
	for _, part := range strings.Split(name, ".") { // a custom setting is class.name
		if checks.QuoteIdent(part) != part {
			name = checks.QuoteIdent(name)
			break
		}
	}
	switch {
	case o.AllRoles && o.AllDatabases:
		return "ALTER ROLE ALL RESET " + name + ";"
	case o.AllRoles:
		return "ALTER DATABASE " + checks.QuoteIdent(string(o.Database)) + " RESET " + name + ";"
	case o.AllDatabases:
		return "ALTER ROLE " + checks.QuoteIdent(string(o.Role)) + " RESET " + name + ";"
	}
	return "ALTER ROLE " + checks.QuoteIdent(string(o.Role)) + " IN DATABASE " + checks.QuoteIdent(string(o.Database)) + " RESET " + name + ";"
}
