// Package a010 judges the settings that decide whether data survives a crash and whether
// corruption is noticed: fsync, full_page_writes, synchronous_commit, data checksums.
package a010

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

//go:embed a010.sql
var failuresQuery string

var settingsQuery = pgsettings.SQL("A010")

// names are the settings A010 reads, in the order the report shows them.
var names = []string{"fsync", "full_page_writes", "synchronous_commit", "data_checksums",
	"wal_log_hints", "ignore_checksum_failure", "zero_damaged_pages"}

// Check is A010.
type Check struct{ cfg Config }

// Config holds A010's thresholds.
type Config struct {
	// SynchronousCommitOff is the severity of synchronous_commit = off (P3 by default: it
	// loses the last moments of commits in a crash, but never corrupts).
	SynchronousCommitOff checks.Severity `toml:"synchronous_commit_off_severity"`
	// MaxDatabases caps the databases listed with checksum failures.
	MaxDatabases int `toml:"max_databases"`
}

// New returns A010 with its defaults.
func New() *Check { return &Check{cfg: Config{SynchronousCommitOff: checks.P3, MaxDatabases: 20}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A010", Title: "Data safety settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsQuery}, {Name: "a010.sql", SQL: failuresQuery}}
}

// Data is what A010 reports.
type Data struct {
	Settings []pgsettings.Row `json:"settings"`
	// ChecksumFailures lists databases with checksum failures counted since the last
	// statistics reset (an empty name is the row for shared catalogs).
	ChecksumFailures []Failure `json:"checksum_failures"`
}

// Failure is one database's checksum failure count.
type Failure struct {
	Database checks.Name `json:"database"`
	Count    int64       `json:"count"`
	Last     *time.Time  `json:"last,omitempty"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := pgsettings.Read(ctx, t.DB, settingsQuery, names)
	if err != nil {
		return nil, err
	}
	d := Data{Settings: ordered(rows), ChecksumFailures: []Failure{}}
	res, err := t.DB.Query(ctx, failuresQuery, c.cfg.MaxDatabases)
	if err != nil {
		return nil, fmt.Errorf("read checksum failures: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var f Failure
		var db *string
		if err := res.Scan(&db, &f.Count, &f.Last); err != nil {
			return nil, fmt.Errorf("read checksum failures: %w", err)
		}
		if db != nil {
			f.Database = checks.Name(*db)
		}
		d.ChecksumFailures = append(d.ChecksumFailures, f)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("read checksum failures: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func ordered(rows map[string]pgsettings.Row) []pgsettings.Row {
	out := []pgsettings.Row{}
	for _, n := range names {
		if r, ok := rows[n]; ok {
			out = append(out, r)
		}
	}
	return out
}

func get(d Data, name string) (pgsettings.Row, bool) {
	for _, r := range d.Settings {
		if string(r.Name) == name {
			return r, true
		}
	}
	return pgsettings.Row{}, false
}

// off reports whether the boolean setting exists and is off.
func off(d Data, name string) bool {
	r, ok := get(d, name)
	return ok && !r.Bool()
}
