// Package f003 reports dead tuples and how recently tables were vacuumed and analyzed,
// from the statistics views (estimates, not counts).
package f003

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed f003.sql
	queryStats string
	//go:embed f003_tables.sql
	queryTables string
	//go:embed f003_settings.sql
	querySettings string
)

// Check is F003.
type Check struct{ cfg Config }

// Config holds F003's thresholds.
type Config struct {
	// A table with at least MinDeadTuples dead tuples making up at least DeadPercent of
	// its tuples is P2.
	MinDeadTuples int64   `toml:"min_dead_tuples"`
	DeadPercent   float64 `toml:"dead_percent"`
	// A table never analyzed with at least MinRowsNeverAnalyzed live rows is P3.
	MinRowsNeverAnalyzed int64 `toml:"min_rows_never_analyzed"`
	// A table with at least MinModSinceAnalyze rows modified since its last analyze,
	// more than ModPercent of its rows, is P3.
	MinModSinceAnalyze int64   `toml:"min_mod_since_analyze"`
	ModPercent         float64 `toml:"mod_percent"`
	// TopN: how many tables each ranking (dead tuples, dead share, modifications, never
	// analyzed) contributes.
	TopN int `toml:"top_n"`
}

// New returns F003 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MinDeadTuples: 10000, DeadPercent: 20, MinRowsNeverAnalyzed: 1000,
		MinModSinceAnalyze: 10000, ModPercent: 20, TopN: 10}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "F003", Title: "Dead tuples, vacuum and analyze recency", Scope: checks.Database, Doc: doc,
		// A standby's statistics count only its own reads: dead tuples and modifications
		// made on the primary never reach them.
		Requires: []checks.Requirement{checks.NeedPrimary}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "f003.sql", SQL: queryStats}, {Name: "f003_tables.sql", SQL: queryTables},
		{Name: "f003_settings.sql", SQL: querySettings}}
}

// Table is one table's statistics. Tuple counts are the statistics system's estimates.
type Table struct {
	Schema          checks.Name     `json:"schema"`
	Name            checks.Name     `json:"name"`
	LiveTuples      checks.Estimate `json:"live_tuples"`
	DeadTuples      checks.Estimate `json:"dead_tuples"`
	ModSinceAnalyze checks.Estimate `json:"mod_since_analyze"`
	RelTuples       checks.Estimate `json:"reltuples"` // -1 (14+) or 0: never vacuumed or analyzed
	DeadPercent     float64         `json:"dead_percent"`

	LastVacuum       *time.Time `json:"last_vacuum"`
	LastAutovacuum   *time.Time `json:"last_autovacuum"`
	LastAnalyze      *time.Time `json:"last_analyze"`
	LastAutoanalyze  *time.Time `json:"last_autoanalyze"`
	VacuumAgeSec     *float64   `json:"vacuum_age_sec"`  // since the latest vacuum, manual or auto
	AnalyzeAgeSec    *float64   `json:"analyze_age_sec"` // since the latest analyze, manual or auto
	VacuumCount      int64      `json:"vacuum_count"`
	AutovacuumCount  int64      `json:"autovacuum_count"`
	AnalyzeCount     int64      `json:"analyze_count"`
	AutoanalyzeCount int64      `json:"autoanalyze_count"`
	NeverAnalyzed    bool       `json:"never_analyzed"`

	AutovacuumEnabled bool `json:"autovacuum_enabled"` // storage parameter autovacuum_enabled
	// Dead tuples and modifications at which autovacuum starts a vacuum / an analyze,
	// from the settings and the table's storage parameters.
	VacuumTrigger  float64 `json:"vacuum_trigger"`
	AnalyzeTrigger float64 `json:"analyze_trigger"`
}

// Data is what F003 reports.
type Data struct {
	Database               checks.Name `json:"database"`
	Autovacuum             bool        `json:"autovacuum"`
	TrackCounts            bool        `json:"track_counts"`
	VacuumThreshold        float64     `json:"vacuum_threshold"`
	VacuumScaleFactor      float64     `json:"vacuum_scale_factor"`
	AnalyzeThreshold       float64     `json:"analyze_threshold"`
	AnalyzeScaleFactor     float64     `json:"analyze_scale_factor"`
	StatsReset             *time.Time  `json:"stats_reset"`
	SecondsSinceStatsReset *float64    `json:"seconds_since_stats_reset"`
	Tables                 []Table     `json:"tables"`
	TopN                   int         `json:"top_n"`
	Totals                 Totals      `json:"totals"`
}

// Totals count every table of the database, listed or not.
type Totals struct {
	Active        int `json:"active"` // with dead tuples or modifications, or never analyzed
	Dead          int `json:"dead"`   // as F003/dead-tuples judges
	NeverAnalyzed int `json:"never_analyzed"`
	Stale         int `json:"stale"`
	// Tables whose dead tuples (modifications) exceed autovacuum's vacuum (analyze)
	// trigger, and of those the ones with autovacuum disabled.
	PastVacuumTrigger          int `json:"past_vacuum_trigger"`
	PastVacuumTriggerDisabled  int `json:"past_vacuum_trigger_disabled"`
	PastAnalyzeTrigger         int `json:"past_analyze_trigger"`
	PastAnalyzeTriggerDisabled int `json:"past_analyze_trigger_disabled"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Database: checks.Name(t.Node.Database), TopN: c.cfg.TopN, Tables: []Table{}}
	if err := t.DB.QueryRow(ctx, querySettings).Scan(&d.Autovacuum, &d.TrackCounts, &d.VacuumThreshold, &d.VacuumScaleFactor,
		&d.AnalyzeThreshold, &d.AnalyzeScaleFactor, &d.StatsReset, &d.SecondsSinceStatsReset); err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	all, err := readStats(ctx, t.DB, d)
	if err != nil {
		return nil, err
	}
	d.Totals = tally(all, c.cfg)
	if d.Tables, err = readTables(ctx, t.DB, pick(all, c.cfg)); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// applyOptions computes the dead share and autovacuum's triggers as autovacuum does:
// threshold + scale_factor * reltuples, storage parameters overriding the settings.
func applyOptions(tb *Table, d Data, reloptions []string) {
	if total := tb.LiveTuples + tb.DeadTuples; total > 0 {
		tb.DeadPercent = 100 * float64(tb.DeadTuples) / float64(total)
	}
	tb.AutovacuumEnabled = true
	vt, vs, at, as := d.VacuumThreshold, d.VacuumScaleFactor, d.AnalyzeThreshold, d.AnalyzeScaleFactor
	for _, o := range reloptions {
		k, v, _ := strings.Cut(o, "=")
		f, err := strconv.ParseFloat(v, 64)
		switch {
		case k == "autovacuum_enabled":
			tb.AutovacuumEnabled = !isFalse(v)
		case err != nil:
		case k == "autovacuum_vacuum_threshold":
			vt = f
		case k == "autovacuum_vacuum_scale_factor":
			vs = f
		case k == "autovacuum_analyze_threshold":
			at = f
		case k == "autovacuum_analyze_scale_factor":
			as = f
		}
	}
	rt := max(float64(tb.RelTuples), 0)
	tb.VacuumTrigger = vt + vs*rt
	tb.AnalyzeTrigger = at + as*rt
}

// isFalse reads a boolean storage parameter as the server does (any unique prefix of
// false/no/off, or 0).
func isFalse(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	for _, w := range []string{"false", "no", "off"} {
		if len(v) >= 1 && strings.HasPrefix(w, v) && v != "o" {
			return true
		}
	}
	return v == "0"
}
