// Package d001 judges the logging settings: whether slow queries, lock waits, temporary
// files, checkpoints and autovacuum runs reach the log, whether each line says who and
// where, and whether statement logging writes passwords into the log.
package d001

import (
	"context"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var settingsQuery = pgsettings.SQL("D001")

var names = []string{"log_min_duration_statement", "log_statement", "log_lock_waits", "log_temp_files",
	"log_checkpoints", "log_autovacuum_min_duration", "log_line_prefix", "log_destination", "logging_collector"}

// Check is D001.
type Check struct{ cfg Config }

// Config holds D001's thresholds.
type Config struct {
	// MaxMinDurationMS: log_min_duration_statement above this (milliseconds) hides too
	// many slow queries.
	MaxMinDurationMS int64 `toml:"max_log_min_duration_statement_ms"`
	// MaxAutovacuumS: log_autovacuum_min_duration above this (seconds) hides most runs.
	MaxAutovacuumS int64 `toml:"max_log_autovacuum_min_duration_s"`
	// MaxTempFilesMB: log_temp_files above this (MB) hides most temporary files.
	MaxTempFilesMB int64 `toml:"max_log_temp_files_mb"`
}

// New returns D001 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MaxMinDurationMS: 5000, MaxAutovacuumS: 600, MaxTempFilesMB: 1024}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "D001", Title: "Logging settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsQuery}}
}

// Data is what D001 reports.
type Data struct {
	Settings []pgsettings.Row `json:"settings"`
	// PrefixMissing lists what log_line_prefix lacks among time, pid, user, database and
	// application (empty when complete).
	PrefixMissing []checks.Label `json:"prefix_missing"`
	// PrefixUsed is false when every log destination is csvlog or jsonlog, whose
	// lines carry all these fields whatever the prefix says.
	PrefixUsed bool `json:"prefix_used"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := pgsettings.Read(ctx, t.DB, settingsQuery, names)
	if err != nil {
		return nil, err
	}
	d := Data{Settings: []pgsettings.Row{}}
	for _, n := range names {
		if r, ok := rows[n]; ok {
			d.Settings = append(d.Settings, r)
		}
	}
	fill(&d)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func fill(d *Data) {
	d.PrefixMissing = []checks.Label{}
	if r, ok := get(*d, "log_line_prefix"); ok {
		d.PrefixMissing = prefixMissing(string(r.Value))
	}
	d.PrefixUsed = true
	if r, ok := get(*d, "log_destination"); ok {
		d.PrefixUsed = false
		for _, dest := range strings.Split(string(r.Value), ",") {
			if s := strings.TrimSpace(dest); s != "csvlog" && s != "jsonlog" {
				d.PrefixUsed = true
			}
		}
	}
}

// prefixItems are what a log line needs to be traced back, with the escapes that give them.
var prefixItems = []struct{ what, escapes string }{
	{"time (%m, %t or %n)", "mtn"},
	{"process ID (%p or %c)", "pc"},
	{"user (%u)", "u"},
	{"database (%d)", "d"},
	{"application (%a)", "a"},
}

// prefixMissing parses log_line_prefix escapes ("%-10u" pads, "%%" is a literal percent).
func prefixMissing(prefix string) []checks.Label {
	has := map[byte]bool{}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] != '%' {
			continue
		}
		i++
		for i < len(prefix) && (prefix[i] == '-' || prefix[i] >= '0' && prefix[i] <= '9') {
			i++
		}
		if i < len(prefix) {
			has[prefix[i]] = true
		}
	}
	missing := []checks.Label{}
	for _, it := range prefixItems {
		found := false
		for j := 0; j < len(it.escapes); j++ {
			found = found || has[it.escapes[j]]
		}
		if !found {
			missing = append(missing, checks.Label(it.what))
		}
	}
	return missing
}

func get(d Data, name string) (pgsettings.Row, bool) {
	for _, r := range d.Settings {
		if string(r.Name) == name {
			return r, true
		}
	}
	return pgsettings.Row{}, false
}
