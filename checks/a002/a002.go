// Package a002 reports the Postgres version against the release table: end of life of
// the major, minor releases missed, newer majors.
package a002

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

//go:embed a002.sql
var query string

// Check is A002.
type Check struct {
	cfg   Config
	table *releases.Table // nil: the embedded table
}

// Config holds A002's thresholds.
type Config struct {
	// EOLWarnMonths: end of life within this many months is P2.
	EOLWarnMonths int `toml:"eol_warn_months"`
	// TableMaxAgeDays: a release table older than this (or whose newest release is) may
	// miss releases: the minor-release finding says it may be stale.
	TableMaxAgeDays int `toml:"table_max_age_days"`
}

// New returns A002 with its defaults.
func New() *Check { return &Check{cfg: Config{EOLWarnMonths: 12, TableMaxAgeDays: 120}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// UseReleases implements releases.User: judge by t instead of the embedded table.
func (c *Check) UseReleases(t *releases.Table) { c.table = t }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A002", Title: "Postgres version", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "a002.sql", SQL: query}}
}

// Data is what A002 reports.
type Data struct {
	Version       checks.Text  `json:"version"`
	VersionNum    int          `json:"version_num"`
	VersionString checks.Text  `json:"version_string"`
	Major         int          `json:"major"`
	Minor         int          `json:"minor"`
	LatestMinor   int          `json:"latest_minor"`  // newest known minor of this major
	MinorsBehind  int          `json:"minors_behind"` // releases missed
	EOL           checks.Label `json:"eol,omitempty"` // end of life of the major, YYYY-MM-DD
	NewestMajor   int          `json:"newest_major"`
	Known         bool         `json:"known"` // the major is in the release table
	Table
}

// Table describes the release table a verdict rests on. A013 reports the same fields.
type Table struct {
	TableAsOf   checks.Label `json:"table_as_of"`  // date of the release table
	TableSource checks.Label `json:"table_source"` // "built-in" or "file" (--releases)
	// TableAgeDays and TableNewestAgeDays are the days since the table's date and since
	// its newest release, on the server's clock (or the run's, if later).
	TableAgeDays       int          `json:"table_age_days"`
	TableNewestRelease checks.Label `json:"table_newest_release"`
	TableNewestAgeDays int          `json:"table_newest_age_days"`
	TableStale         bool         `json:"table_stale"` // either age above table_max_age_days
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	var d Data
	var serverNow time.Time
	if err := t.DB.QueryRow(ctx, query).Scan(&d.Version, &d.VersionNum, &d.VersionString, &serverNow); err != nil {
		return nil, fmt.Errorf("read version: %w", err)
	}
	table := c.table
	if table == nil {
		var err error
		if table, err = releases.Load(); err != nil {
			return nil, err
		}
	}
	fill(&d, table, releases.Clock(serverNow, t.Now), c.cfg)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg, t.Now)}, nil
}

// describe fills the table's description; clock is the day its age is measured on.
func describe(table *releases.Table, clock time.Time, maxAgeDays int) Table {
	f := table.Fresh(clock, maxAgeDays)
	src := "built-in"
	if table.File != "" {
		src = "file"
	}
	return Table{TableAsOf: label(table.AsOf.Time), TableSource: checks.Label(src), TableAgeDays: f.AgeDays,
		TableNewestRelease: label(f.NewestRelease), TableNewestAgeDays: f.NewestAgeDays, TableStale: f.Stale}
}

func label(t time.Time) checks.Label { return checks.Label(t.Format(time.DateOnly)) }

func fill(d *Data, table *releases.Table, clock time.Time, cfg Config) {
	d.Major, d.Minor = releases.VersionNum(d.VersionNum)
	d.NewestMajor = table.Newest()
	d.Table = describe(table, clock, cfg.TableMaxAgeDays)
	m := table.Find(d.Major)
	if m == nil {
		return
	}
	d.Known = true
	d.EOL = label(m.EOL.Time)
	d.LatestMinor = m.Latest().Minor
	d.MinorsBehind = m.Missed(d.Minor)
}

func analyze(d Data, cfg Config, now time.Time) []checks.Finding {
	ver := fmt.Sprintf("%d.%d", d.Major, d.Minor)
	asOf := fmt.Sprintf(" (release table as of %s)", d.TableAsOf)
	if !d.Known {
		if d.Major > d.NewestMajor {
			return []checks.Finding{{Code: "A002/unknown-major", Severity: checks.Info,
				Conclusion:     fmt.Sprintf("PostgreSQL %d is newer than pgcheckup's release table (as of %s).", d.Major, d.TableAsOf),
				Recommendation: "Judge this major's support status with a newer release table." + releases.Refresh}}
		}
		return []checks.Finding{{Code: "A002/unsupported-major", Severity: checks.P1,
			Conclusion:     fmt.Sprintf("PostgreSQL %d is older than every major pgcheckup knows and long past end of life%s.", d.Major, asOf),
			Recommendation: fmt.Sprintf("Plan an upgrade to PostgreSQL %d.", d.NewestMajor)}}
	}
	var out []checks.Finding
	eol, _ := time.Parse(time.DateOnly, string(d.EOL))
	switch {
	case !now.Before(eol):
		out = append(out, checks.Finding{Code: "A002/eol", Severity: checks.P1,
			Conclusion:     fmt.Sprintf("PostgreSQL %d reached end of life on %s: it gets no more bug or security fixes%s.", d.Major, d.EOL, asOf),
			Recommendation: fmt.Sprintf("Upgrade to a supported major, preferably %d (pg_upgrade or logical replication).", d.NewestMajor)})
	case now.AddDate(0, cfg.EOLWarnMonths, 0).After(eol):
		out = append(out, checks.Finding{Code: "A002/eol-soon", Severity: checks.P2,
			Conclusion:     fmt.Sprintf("PostgreSQL %d reaches end of life on %s, within %d months%s.", d.Major, d.EOL, cfg.EOLWarnMonths, asOf),
			Recommendation: fmt.Sprintf("Plan the upgrade to PostgreSQL %d now.", d.NewestMajor)})
	}
	if d.MinorsBehind > 0 {
		f := checks.Finding{Code: "A002/minor-behind", Severity: checks.P2,
			Conclusion: fmt.Sprintf("PostgreSQL %s is %d minor release(s) behind %d.%d, the newest known for this major%s.",
				ver, d.MinorsBehind, d.Major, d.LatestMinor, asOf),
			Recommendation: fmt.Sprintf("Update to %d.%d: minor releases hold only bug and security fixes and need just a restart. Read the release notes for extra steps (e.g. reindexing).", d.Major, d.LatestMinor)}
		if d.TableStale {
			f.Conclusion += releases.StaleNote(d.TableAgeDays, d.TableNewestAgeDays, string(d.TableAsOf))
			f.Recommendation += releases.Refresh
		}
		out = append(out, f)
	}
	if d.Major < d.NewestMajor && len(out) == 0 {
		out = append(out, checks.Finding{Code: "A002/newer-major", Severity: checks.P3,
			Conclusion:     fmt.Sprintf("A newer major, PostgreSQL %d, is available%s.", d.NewestMajor, asOf),
			Recommendation: "Consider upgrading for performance and features; this one is still supported."})
	}
	return out
}

const doc = `Reads the server version and judges it against pgcheckup's release table (end-of-life
dates and minor releases per major): the embedded one, or the file given with ` + "`--releases`" + `
(or the ` + "`releases`" + ` config key). Every finding gives the table's date.

- **P1** the major is past its end of life: no more fixes, security ones included.
- **P2** end of life within ` + "`eol_warn_months`" + ` (default 12), or a newer minor release of
  this major exists (minor updates only fix bugs and need just a restart).
- **P3** a newer major exists while this one is supported and current.

Across nodes (the primary is the reference): ` + "`A002/minor-differs`" + ` **P2** when a node runs
another minor release (**P3** for a node of another cluster, a logical replica), and
` + "`A002/major-differs`" + ` **P2** for a node on another major (no failover target), **P1** for a
standby of the same cluster on another major.

The embedded table is updated with each pgcheckup release; a minor released after the
table's date is not known to it. When the table is older than ` + "`table_max_age_days`" + ` (default
120), or its newest release is (PostgreSQL publishes minor releases every three months), on
the server's clock (` + "`now()`" + `, or the run's clock if that is later), the minor-release finding
says it **may be stale** and how to refresh the table. End-of-life verdicts use the run's clock.`
