// Package a006 compares the server settings of the nodes of a cluster: every setting
// whose value, normalized to its unit, differs between the nodes that were reached.
package a006

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

//go:embed a006.sql
var query string

// Check is A006.
type Check struct{}

// New returns A006.
func New() *Check { return &Check{} }

// Meta implements checks.Check. pg_settings is readable by every role; only the source
// files would need more, and A006 does not read them. It runs on the main session,
// which keeps the settings as the server gives the role.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A006", Title: "Postgres setting deviations", Scope: checks.Cluster, Doc: doc,
		Session: checks.MainSession}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "a006.sql", SQL: query}}
}

// Setting is one row of pg_settings, with only what the comparison needs.
type Setting struct {
	checks.Setting
	Unit           checks.Text `json:"unit,omitempty"`
	VarType        checks.Text `json:"vartype"`
	Source         checks.Text `json:"source"`
	Context        checks.Text `json:"context"`
	PendingRestart bool        `json:"pending_restart,omitempty"`
}

// Data is what A006 reads on one node: the settings it compares (those that may
// legitimately differ between nodes, see ignored, are left out), by name.
type Data struct {
	Settings []Setting `json:"settings"`
	// Ignored counts the settings read but left out of the comparison.
	Ignored int `json:"ignored"`
}

// Run implements checks.Check. It finds nothing on its own: A006's findings come from
// Compare, once every node has been read.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := t.DB.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("read pg_settings: %w", err)
	}
	defer rows.Close()
	d := Data{Settings: []Setting{}}
	for rows.Next() {
		var s Setting
		if err := rows.Scan(&s.Name, &s.Value, &s.Unit, &s.VarType, &s.Source, &s.Context, &s.PendingRestart); err != nil {
			return nil, fmt.Errorf("read pg_settings: %w", err)
		}
		if ignored(string(s.Name)) {
			d.Ignored++
			continue
		}
		d.Settings = append(d.Settings, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_settings: %w", err)
	}
	return &checks.Outcome{Data: d}, nil
}
