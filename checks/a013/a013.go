// Package a013 compares the running minor release with the newest one known for its
// major: how many releases and how many days of fixes the server is missing.
package a013

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

var settingsQuery = pgsettings.SQL("A013")

var names = []string{"server_version", "server_version_num"}

// clockQuery reads the server's clock, on which the release table's age is measured.
const clockQuery = `/* pgcheckup A013 */
SELECT pg_catalog.now()`

// Check is A013.
type Check struct {
	cfg   Config
	table *releases.Table // nil: the embedded table
}

// Config holds A013's thresholds.
type Config struct {
	// P2Releases: this many missed minor releases or more is P2 (fewer is P3).
	P2Releases int `toml:"p2_releases"`
	// P2Days: the first missed release out for this many days or more is P2.
	P2Days int `toml:"p2_days"`
	// TableMaxAgeDays: a release table older than this, or whose newest release is, may
	// miss newer releases: findings say it may be stale.
	TableMaxAgeDays int `toml:"table_max_age_days"`
}

// New returns A013 with its defaults.
func New() *Check {
	return &Check{cfg: Config{P2Releases: 2, P2Days: 90, TableMaxAgeDays: 120}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// UseReleases implements releases.User: judge by t instead of the embedded table.
func (c *Check) UseReleases(t *releases.Table) { c.table = t }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A013", Title: "Postgres minor version", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsQuery}, {Name: "clock", SQL: clockQuery}}
}

// Data is what A013 reports.
type Data struct {
	Settings       []pgsettings.Row `json:"settings"`
	Version        checks.Label     `json:"version"` // major.minor, computed from server_version_num
	Major          int              `json:"major"`
	Minor          int              `json:"minor"`
	Known          bool             `json:"known"` // the major is in the release table
	LatestMinor    int              `json:"latest_minor"`
	LatestReleased checks.Label     `json:"latest_released,omitempty"`
	// NewerThanTable: the server runs a minor the table does not know yet.
	NewerThanTable bool `json:"newer_than_table"`
	ReleasesBehind int  `json:"releases_behind"`
	// Missed lists the missed releases the table lists: a table may leave out old ones
	// (one made from postgresql.org's feed lists only the newest of each major).
	Missed []Release `json:"missed"`
	// DaysBehind counts the days since the first missed release came out: how long
	// the fixes in it have been available and not applied. DaysAtLeast: the table does
	// not list that release, so this counts from the oldest missed one it lists.
	DaysBehind  int          `json:"days_behind"`
	DaysAtLeast bool         `json:"days_at_least,omitempty"`
	EOL         checks.Label `json:"eol,omitempty"`
	TableAsOf   checks.Label `json:"table_as_of"`
	TableSource checks.Label `json:"table_source"` // "built-in" or "file" (--releases)
	// TableAgeDays and TableNewestAgeDays are the days since the table's date and since
	// its newest release, on the server's clock (or the run's, if later).
	TableAgeDays       int          `json:"table_age_days"`
	TableNewestRelease checks.Label `json:"table_newest_release"`
	TableNewestAgeDays int          `json:"table_newest_age_days"`
	TableStale         bool         `json:"table_stale"` // either age above table_max_age_days
}

// Release is one minor release.
type Release struct {
	Version  checks.Label `json:"version"`
	Released checks.Label `json:"released"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := pgsettings.Read(ctx, t.DB, settingsQuery, names)
	if err != nil {
		return nil, err
	}
	num, err := strconv.Atoi(string(rows["server_version_num"].Value))
	if err != nil {
		return nil, fmt.Errorf("server_version_num %q: %w", rows["server_version_num"].Value, err)
	}
	var serverNow time.Time
	if err := t.DB.QueryRow(ctx, clockQuery).Scan(&serverNow); err != nil {
		return nil, fmt.Errorf("read the server's clock: %w", err)
	}
	table := c.table
	if table == nil {
		if table, err = releases.Load(); err != nil {
			return nil, err
		}
	}
	d := fill(num, table, t.Now)
	d.describe(table, releases.Clock(serverNow, t.Now), c.cfg.TableMaxAgeDays)
	for _, n := range names {
		d.Settings = append(d.Settings, rows[n])
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func date(t time.Time) checks.Label { return checks.Label(t.Format(time.DateOnly)) }

// describe fills in the release table's date, source and age on clock.
func (d *Data) describe(table *releases.Table, clock time.Time, maxAgeDays int) {
	f := table.Fresh(clock, maxAgeDays)
	d.TableSource = "built-in"
	if table.File != "" {
		d.TableSource = "file"
	}
	d.TableAgeDays, d.TableNewestRelease, d.TableNewestAgeDays, d.TableStale = f.AgeDays, date(f.NewestRelease), f.NewestAgeDays, f.Stale
}

// fill judges the version against the table on now, the run's clock.
func fill(versionNum int, table *releases.Table, now time.Time) Data {
	d := Data{Missed: []Release{}, TableAsOf: date(table.AsOf.Time)}
	d.Major, d.Minor = releases.VersionNum(versionNum)
	d.Version = checks.Label(fmt.Sprintf("%d.%d", d.Major, d.Minor))
	m := table.Find(d.Major)
	if m == nil {
		return d
	}
	d.Known = true
	d.EOL = date(m.EOL.Time)
	latest := m.Latest()
	d.LatestMinor = latest.Minor
	d.LatestReleased = date(latest.Released.Time)
	d.NewerThanTable = d.Minor > latest.Minor
	for _, x := range m.Behind(d.Minor) {
		d.Missed = append(d.Missed, Release{Version: checks.Label(fmt.Sprintf("%d.%d", d.Major, x.Minor)), Released: date(x.Released.Time)})
	}
	d.ReleasesBehind = m.Missed(d.Minor)
	if listed := m.Behind(d.Minor); len(listed) > 0 {
		d.DaysBehind = releases.Days(listed[0].Released.Time, now)
		d.DaysAtLeast = listed[0].Minor != d.Minor+1
	}
	return d
}
