// Package a003 lists every server setting (pg_settings) with where it came from, and
// reports settings changed in the configuration that wait for a restart.
package a003

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

//go:embed a003.sql
var query string

// Check is A003.
type Check struct{}

// New returns A003.
func New() *Check { return &Check{} }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A003", Title: "Postgres settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "a003.sql", SQL: query}}
}

// Row is one setting. BootVal and ResetVal are kept only when they differ from the
// current value, and as checks.Setting so that secret-bearing values are redacted there
// as well.
type Row struct {
	checks.Setting
	Unit           checks.Text    `json:"unit,omitempty"`
	Category       checks.Text    `json:"category"`
	Source         checks.Text    `json:"source"`
	SourceFile     checks.Text    `json:"sourcefile,omitempty"`
	SourceLine     int            `json:"sourceline,omitempty"`
	PendingRestart bool           `json:"pending_restart"`
	BootVal        checks.Setting `json:"boot_val,omitzero"`
	ResetVal       checks.Setting `json:"reset_val,omitzero"`
	VarType        checks.Text    `json:"vartype"`
	Context        checks.Text    `json:"context"`
	Bytes          *int64         `json:"bytes,omitempty"`   // memory settings, in bytes
	Seconds        *float64       `json:"seconds,omitempty"` // time settings above 0, in seconds
}

// Data is what A003 reports.
type Data struct {
	Settings []Row `json:"settings"` // by category, then name
	// SourcesHidden is true when the role cannot see source files and lines (that
	// needs superuser or pg_read_all_settings, which pg_monitor includes).
	SourcesHidden  bool `json:"sources_hidden"`
	PendingRestart int  `json:"pending_restart"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := t.DB.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("read pg_settings: %w", err)
	}
	defer rows.Close()
	var d Data
	for rows.Next() {
		var r Row
		var boot, reset checks.Text
		if err := rows.Scan(&r.Name, &r.Value, &r.Unit, &r.Category, &r.Source, &r.SourceFile,
			&r.SourceLine, &r.PendingRestart, &boot, &reset, &r.VarType, &r.Context); err != nil {
			return nil, fmt.Errorf("read pg_settings: %w", err)
		}
		if boot != r.Value {
			r.BootVal = checks.Setting{Name: r.Name, Value: boot}
		}
		if reset != r.Value {
			r.ResetVal = checks.Setting{Name: r.Name, Value: reset}
		}
		convert(&r)
		d.Settings = append(d.Settings, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_settings: %w", err)
	}
	for _, r := range d.Settings {
		if r.PendingRestart {
			d.PendingRestart++
		}
		if r.Source == "configuration file" && r.SourceFile == "" {
			d.SourcesHidden = true
		}
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

// convert adds the value in bytes or seconds, so the report can show "128.0 MiB"
// instead of "16384 (8kB)".
func convert(r *Row) {
	p := pgsettings.Row{Setting: r.Setting, Unit: r.Unit}
	if b, ok := p.Bytes(); ok {
		r.Bytes = &b
	} else if s, ok := p.Seconds(); ok && s > 0 {
		r.Seconds = &s
	}
}

// display writes a value with its unit as Postgres would accept it back ("4096kB"), or
// with a multiplier for units like "8kB" ("16384 × 8kB").
func display(r Row) string {
	v, u := string(r.Value), string(r.Unit)
	switch {
	case u == "":
		return v
	case u[0] >= '0' && u[0] <= '9':
		return v + " × " + u
	}
	return v + u
}

func analyze(d Data) []checks.Finding {
	var names []checks.Name
	var list []string
	for _, r := range d.Settings {
		if !r.PendingRestart {
			continue
		}
		names = append(names, r.Name)
		list = append(list, checks.Code(string(r.Name))+" (running value "+checks.Code(display(r))+")")
	}
	if len(names) == 0 {
		return nil
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "'" + strings.ReplaceAll(string(n), "'", "''") + "'"
	}
	return []checks.Finding{{
		Code:     "A003/pending-restart",
		Severity: checks.P3,
		Conclusion: fmt.Sprintf("%d setting(s) were changed in the configuration but need a restart to apply: %s. "+
			"The server still runs with the old values, and the next restart (planned or not) will change its behaviour.",
			len(names), strings.Join(list, ", ")),
		Recommendation: "Restart PostgreSQL in a maintenance window to apply the new values, or revert the change " +
			"(in `postgresql.conf`, or with `ALTER SYSTEM RESET name;` when it was set with `ALTER SYSTEM`). " +
			"A superuser sees the pending values with " +
			checks.Code("SELECT name, setting, sourcefile, sourceline, error FROM pg_catalog.pg_file_settings WHERE name IN ("+strings.Join(quoted, ", ")+");"),
		Objects: names,
	}}
}

const doc = `Lists every row of ` + "`pg_settings`" + `: name, current value and unit, category,
source (default, configuration file, command line, ...), the file and line that set it,
` + "`pending_restart`" + `, the compiled-in default (` + "`boot_val`" + `), the value a
` + "`RESET`" + ` would restore (` + "`reset_val`" + `), type and context (when a change takes
effect: ` + "`postmaster`" + ` needs a restart, ` + "`sighup`" + ` a reload).

The values are those of pgcheckup's own session: ` + "`application_name`, `statement_timeout`, " +
	"`lock_timeout`, `default_transaction_read_only` and `jit`" + ` are set by pgcheckup itself, and
per-database or per-role settings of the connected database and role apply (A007 lists all
of those). Source files and lines, and a few settings such as file locations, are visible
only to superusers and members of ` + "`pg_read_all_settings`" + ` (included in
` + "`pg_monitor`" + `). Values of settings that
can hold secrets (` + "`primary_conninfo`, `archive_command`" + `, ...) are redacted by the
report's privacy rules.

- **P3** ` + "`pending_restart`" + `: a setting was changed in the configuration file or with
  ` + "`ALTER SYSTEM`" + ` and reloaded, but takes effect only after a restart. The running
  value differs from the configured one, so the next restart changes the server's behaviour.`
