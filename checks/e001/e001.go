// Package e001 judges the WAL, checkpoint and archiving settings.
package e001

import (
	"context"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var settingsQuery = pgsettings.SQL("E001")

var names = []string{"max_wal_size", "min_wal_size", "checkpoint_timeout", "checkpoint_completion_target",
	"wal_level", "wal_compression", "full_page_writes", "wal_buffers", "wal_segment_size",
	"archive_mode", "archive_command", "archive_library", "archive_timeout"}

// Check is E001.
type Check struct{ cfg Config }

// Config holds E001's thresholds.
type Config struct {
	// MinCompletionTarget: checkpoint_completion_target below this is P3.
	MinCompletionTarget float64 `toml:"min_checkpoint_completion_target"`
	// MinCheckpointTimeoutS: checkpoint_timeout below this (seconds) is P3.
	MinCheckpointTimeoutS float64 `toml:"min_checkpoint_timeout_s"`
	// MinArchiveTimeoutS: a non-zero archive_timeout below this (seconds) is P3.
	MinArchiveTimeoutS float64 `toml:"min_archive_timeout_s"`
}

// New returns E001 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MinCompletionTarget: 0.9, MinCheckpointTimeoutS: 300, MinArchiveTimeoutS: 60}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "E001", Title: "WAL and checkpoint settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsQuery}}
}

// Data is what E001 reports.
type Data struct {
	Settings   []pgsettings.Row `json:"settings"`
	VersionNum int              `json:"version_num"`
	InRecovery bool             `json:"in_recovery"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := pgsettings.Read(ctx, t.DB, settingsQuery, names)
	if err != nil {
		return nil, err
	}
	d := Data{Settings: []pgsettings.Row{}, VersionNum: t.Node.VersionNum, InRecovery: t.Node.InRecovery}
	for _, n := range names {
		r, ok := rows[n]
		if !ok {
			continue
		}
		if n == "archive_command" {
			// The value travels as a checks.Setting, which the privacy layer redacts as a
			// secret-bearing setting; reset_val repeats it as plain Text, so drop it.
			r.ResetVal = ""
		}
		d.Settings = append(d.Settings, r)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func get(d Data, name string) (pgsettings.Row, bool) {
	for _, r := range d.Settings {
		if string(r.Name) == name {
			return r, true
		}
	}
	return pgsettings.Row{}, false
}

func value(d Data, name string) string {
	r, _ := get(d, name)
	return string(r.Value)
}
