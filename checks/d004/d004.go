// Package d004 checks that pg_stat_statements (and optionally pg_stat_kcache) is
// installed, loaded and sized so that its statistics can be trusted.
package d004

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	//go:embed d004.sql
	statusQuery string
	//go:embed d004_info.sql
	infoQuery     string
	settingsQuery = pgsettings.SQL("D004")
)

var names = []string{"shared_preload_libraries", "pg_stat_statements.max", "pg_stat_statements.track",
	"pg_stat_statements.track_utility", "pg_stat_statements.track_planning", "pg_stat_statements.save",
	"track_io_timing", "compute_query_id", "pg_stat_kcache.linux_hz", "pg_stat_kcache.track", "pg_stat_kcache.track_planning"}

// Check is D004.
type Check struct{ cfg Config }

// Config holds D004's thresholds.
type Config struct {
	// DeallocPerDayP2: this many deallocations per day since the reset or more is P2;
	// any deallocation is P3.
	DeallocPerDayP2 float64 `toml:"dealloc_per_day_p2"`
}

// New returns D004 with its defaults.
func New() *Check { return &Check{cfg: Config{DeallocPerDayP2: 24}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "D004", Title: "pg_stat_statements and pg_stat_kcache settings", Scope: checks.Database, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsQuery}, {Name: "d004.sql", SQL: statusQuery},
		{Name: "d004_info.sql", MinVersion: 140000, SQL: infoQuery}}
}

// Data is what D004 reports.
type Data struct {
	Settings   []pgsettings.Row `json:"settings"`
	Database   checks.Name      `json:"database"`
	VersionNum int              `json:"version_num"`
	Extensions []Extension      `json:"extensions"` // pg_stat_statements, then pg_stat_kcache
	// Dealloc counts the times pg_stat_statements evicted its least-used entries for
	// lack of room, since StatsReset (pg_stat_statements_info, 14+). Nil when unknown,
	// and DeallocUnknown says why.
	Dealloc        *int64       `json:"dealloc"`
	StatsReset     *time.Time   `json:"stats_reset,omitempty"`
	DeallocDays    float64      `json:"dealloc_days,omitempty"` // days from StatsReset to the run
	DeallocUnknown checks.Label `json:"dealloc_unknown,omitempty"`
}

// Extension is the state of one extension.
type Extension struct {
	Name             checks.Name `json:"name"`
	Available        bool        `json:"available"` // its files are on the server
	AvailableVersion checks.Text `json:"available_version"`
	Installed        bool        `json:"installed"` // CREATE EXTENSION was run in this database
	InstalledVersion checks.Text `json:"installed_version"`
	Schema           checks.Name `json:"schema"`
	// InPreload: named in shared_preload_libraries; nil when the role cannot read that
	// setting (it needs pg_read_all_settings, part of pg_monitor).
	InPreload *bool `json:"in_preload"`
	// Loaded: the library's own settings exist, so it is loaded in the server.
	Loaded bool `json:"loaded"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := pgsettings.Read(ctx, t.DB, settingsQuery, names)
	if err != nil {
		return nil, err
	}
	d := Data{Settings: []pgsettings.Row{}, Database: checks.Name(t.Node.Database), VersionNum: t.Node.VersionNum, Extensions: []Extension{}}
	for _, n := range names {
		if r, ok := rows[n]; ok {
			d.Settings = append(d.Settings, r)
		}
	}
	res, err := t.DB.Query(ctx, statusQuery)
	if err != nil {
		return nil, fmt.Errorf("read extensions: %w", err)
	}
	defer res.Close()
	var infoView bool
	var schema string
	for res.Next() {
		var e Extension
		var view bool
		if err := res.Scan(&e.Name, &e.Available, &e.AvailableVersion, &e.Installed, &e.InstalledVersion, &e.Schema,
			&view); err != nil {
			return nil, fmt.Errorf("read extensions: %w", err)
		}
		if e.Name == "pg_stat_statements" {
			infoView, schema = view, string(e.Schema)
		}
		d.Extensions = append(d.Extensions, e)
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("read extensions: %w", err)
	}
	fill(&d, rows)
	if d.DeallocUnknown = whyNoInfo(d, infoView); d.DeallocUnknown == "" {
		var n int64
		var reset time.Time
		err := t.DB.QueryRow(ctx, checks.InSchema(infoQuery, schema)).Scan(&n, &reset)
		if err != nil {
			return nil, fmt.Errorf("read pg_stat_statements_info: %w", err)
		}
		d.Dealloc, d.StatsReset = &n, &reset
		d.DeallocDays = t.Now.Sub(reset).Hours() / 24
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// loadedBy names, per library, a setting it defines when loaded. A placeholder left by
// postgresql.conf without the library is a string, so the type must match too.
var loadedBy = map[checks.Name]struct{ setting, vartype string }{
	"pg_stat_statements": {"pg_stat_statements.max", "integer"},
	"pg_stat_kcache":     {"pg_stat_kcache.linux_hz", "integer"},
}

func fill(d *Data, rows map[string]pgsettings.Row) {
	spl, known := rows["shared_preload_libraries"]
	libs := map[string]bool{}
	for _, l := range strings.Split(string(spl.Value), ",") {
		l = strings.Trim(strings.TrimSpace(l), `"`)
		l = strings.TrimSuffix(l[strings.LastIndex(l, "/")+1:], ".so")
		libs[l] = true
	}
	for i := range d.Extensions {
		e := &d.Extensions[i]
		if known {
			in := libs[string(e.Name)]
			e.InPreload = &in
		}
		s, ok := rows[loadedBy[e.Name].setting]
		e.Loaded = ok && string(s.VarType) == loadedBy[e.Name].vartype
	}
}

// whyNoInfo says why pg_stat_statements_info cannot be read, or "" when it can. Reading
// it without the library loaded is an error, hence the care. infoView: the view exists
// in the extension's schema, where it is read from by its qualified name.
func whyNoInfo(d Data, infoView bool) checks.Label {
	pgss, ok := ext(d, "pg_stat_statements")
	switch {
	case d.VersionNum < 140000:
		return "pg_stat_statements_info needs PostgreSQL 14 or newer"
	case !ok || !pgss.Loaded:
		return "the pg_stat_statements library is not loaded"
	case !pgss.Installed:
		return "the extension is not installed in this database"
	// Names stay out of these labels: the data shows version and schema.
	case !infoView:
		return "the installed extension is older than 1.9, which added pg_stat_statements_info"
	}
	return ""
}

func ext(d Data, name checks.Name) (Extension, bool) {
	for _, e := range d.Extensions {
		if e.Name == name {
			return e, true
		}
	}
	return Extension{}, false
}

func get(d Data, name string) (pgsettings.Row, bool) {
	for _, r := range d.Settings {
		if string(r.Name) == name {
			return r, true
		}
	}
	return pgsettings.Row{}, false
}
