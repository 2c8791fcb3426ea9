// Package h002 finds indexes that no query has used since the statistics were reset:
// they cost writes, WAL, vacuum time and cache, and may be dropped, once every node and
// a long enough period have been looked at.
package h002

import (
	"context"
	_ "embed"
	"fmt"
	"math"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed h002_stats.sql
	statsQuery string
	//go:embed h002_indexes.sql
	indexesQuery string
	//go:embed h002_classes.sql
	classesQuery string
	//go:embed h002_inherits.sql
	inheritsQuery string
	//go:embed h002_constraints.sql
	constraintsQuery string
	//go:embed h002_list.sql
	listQuery string
	//go:embed h002_lastscan.sql
	lastScanQuery string
)

// Check is H002.
type Check struct{ cfg Config }

// Config holds H002's thresholds.
type Config struct {
	// TopN limits the unused indexes reported, largest first.
	TopN int `toml:"top_n"`
	// MinStatsAgeDays: statistics younger than this are too young to judge; the findings
	// are then info.
	MinStatsAgeDays int `toml:"min_stats_age_days"`
	// MinSizeBytes: smaller unused indexes are listed but make no finding.
	MinSizeBytes int64 `toml:"min_size_bytes"`
	// RareMinSizeBytes: indexes at least this large (by relpages) have their scans and
	// their table's writes listed on every node, scanned or not, and may be rarely used.
	RareMinSizeBytes int64 `toml:"rare_min_size_bytes"`
	// RareWritesPerScan: a large index is rarely used when its table had more than this
	// many index-writing row changes per scan (summed over every node).
	RareWritesPerScan int64 `toml:"rare_writes_per_scan"`
}

// New returns H002 with its defaults.
func New() *Check {
	return &Check{cfg: Config{TopN: 50, MinStatsAgeDays: 30, MinSizeBytes: 1 << 20, RareMinSizeBytes: 100 << 20,
		RareWritesPerScan: 1000}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "H002", Title: "Unused indexes", Scope: checks.Database, Doc: doc,
		Session: checks.CatalogSession}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "h002_stats.sql", SQL: statsQuery},
		{Name: "h002_indexes.sql", SQL: indexesQuery},
		{Name: "h002_classes.sql", SQL: classesQuery},
		{Name: "h002_inherits.sql", SQL: inheritsQuery},
		{Name: "h002_constraints.sql", SQL: constraintsQuery},
		{Name: "h002_list.sql", SQL: listQuery},
		{Name: "h002_lastscan.sql", MinVersion: 160000, SQL: lastScanQuery},
	}
}

// Index is one index without scans.
type Index struct {
	Schema checks.Name       `json:"schema"`
	Name   checks.Name       `json:"name"`
	Table  checks.Name       `json:"table"`
	Ident  checks.Definition `json:"ident"` // quoted schema.index, ready for a statement
	// Partitions is 0 for a plain index; for a partitioned index, the number of partition
	// indexes whose scans and sizes are summed.
	Partitions int `json:"partitions,omitempty"`
	// IdxScan is pg_stat_all_indexes.idx_scan (summed over partitions): 0 in Indexes.
	IdxScan int64 `json:"idx_scan"`
	// RelPages is pg_class.relpages (summed over partitions): the listings' order, the
	// same on a primary and its standbys.
	RelPages int64 `json:"relpages"`
	// Writes counts the rows inserted into the table, or updated other than HOT, since the
	// statistics began: each adds an entry to the index. Counted where the writes happen:
	// 0 on a standby.
	Writes int64 `json:"writes"`
	// LastIdxScan is pg_stat_all_indexes.last_idx_scan (16+, plain indexes of Large).
	LastIdxScan *time.Time `json:"last_idx_scan,omitempty"`
	oid         uint32
	// SizeBytes is nil when another session holds an ACCESS EXCLUSIVE lock on it (or on
	// all of its partitions): pgcheckup does not wait for locks.
	SizeBytes *int64 `json:"size_bytes"`
	Locked    bool   `json:"locked"` // some or all of it was not measured because of a lock
	// TableLocked: the table is under an ACCESS EXCLUSIVE lock, so the definition was not
	// read (pg_get_indexdef would wait for it).
	TableLocked bool `json:"table_locked"`
	// Expressions: the planner also uses the index's statistics on its expressions.
	Expressions bool              `json:"expressions"`
	Partial     bool              `json:"partial"`
	Definition  checks.Definition `json:"definition"`
	// SupportsFKs are the foreign keys of the table whose columns are exactly the index's
	// leading columns: dropping it makes the referenced table's deletes and key updates
	// scan this table.
	SupportsFKs []checks.Name `json:"supports_fks"`
	Small       bool          `json:"small"` // under min_size_bytes: listed, no finding
}

// Data is what H002 reports.
type Data struct {
	Indexes []Index `json:"indexes"`
	Total   int     `json:"total"` // unused indexes before the limit
	// Large are the top_n largest indexes of at least rare_min_size_bytes (by relpages),
	// scanned or not, with their scans and writes: the same indexes on every node, so
	// Compare sees each node's scans side by side. LargeTotal counts them all.
	Large             []Index `json:"large"`
	LargeTotal        int     `json:"large_total"`
	RareMinSizeBytes  int64   `json:"rare_min_size_bytes"`
	RareWritesPerScan int64   `json:"rare_writes_per_scan"`
	// UnlistedFK and UnlistedLarge count the unused indexes beyond the limit that support a
	// foreign key, and the others of at least min_size_bytes (judged by relpages).
	UnlistedFK    int `json:"unlisted_fk"`
	UnlistedLarge int `json:"unlisted_large"`
	// Unjudged counts indexes of partitioned tables that have no partitions yet: nothing
	// below them can be scanned, so they are neither used nor unused.
	Unjudged        int   `json:"unjudged"`
	TopN            int   `json:"top_n"`
	MinSizeBytes    int64 `json:"min_size_bytes"`
	MinStatsAgeDays int   `json:"min_stats_age_days"`
	TrackCounts     bool  `json:"track_counts"`
	// InRecovery: this node is a standby. Scans are counted per node either way.
	InRecovery bool `json:"in_recovery"`

	// What the statistics' age is judged from.
	StatsReset      *time.Time `json:"stats_reset"`      // pg_stat_database.stats_reset; nil: never reset (15+)
	PostmasterStart time.Time  `json:"postmaster_start"` // statistics survive a clean restart
	CrashReset      *time.Time `json:"crash_reset"`      // pg_stat_archiver.stats_reset: moves on crash restarts
	// StatsSince is when the counting began: stats_reset when set ("stats_reset"); else
	// the later of the server start and the crash reset, when counting began or later
	// ("lower_bound": the age is at least StatsAgeDays, provided the database was not
	// created or restored after that moment, which no catalog records).
	StatsSince   time.Time    `json:"stats_since"`
	StatsBasis   checks.Label `json:"stats_basis"` // "stats_reset" or "lower_bound"
	StatsAgeDays float64      `json:"stats_age_days"`
	TooYoung     bool         `json:"too_young"` // younger than min_stats_age_days: findings are info
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Indexes: []Index{}, Large: []Index{}, TopN: c.cfg.TopN, MinSizeBytes: c.cfg.MinSizeBytes,
		MinStatsAgeDays: c.cfg.MinStatsAgeDays, RareMinSizeBytes: c.cfg.RareMinSizeBytes, RareWritesPerScan: c.cfg.RareWritesPerScan}
	var blockSize int64
	if err := t.DB.QueryRow(ctx, statsQuery).Scan(&d.StatsReset, &d.PostmasterStart, &d.CrashReset,
		&d.TrackCounts, &d.InRecovery, &blockSize); err != nil {
		return nil, fmt.Errorf("read statistics age: %w", err)
	}
	if d.TrackCounts {
		if err := c.readIndexes(ctx, t.DB, &d, blockSize); err != nil {
			return nil, err
		}
		if q, ok := checks.Pick(c.Queries(), "h002_lastscan.sql", t.Node.VersionNum); ok {
			if err := readLastScans(ctx, t.DB, q, d.Large); err != nil {
				return nil, err
			}
		}
	}
	fill(&d, t.Now)
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

func (c *Check) readIndexes(ctx context.Context, db checks.Querier, d *Data, blockSize int64) error {
	cat, err := readCatalog(ctx, db)
	if err != nil {
		return err
	}
	p := cat.pick(limits{topN: c.cfg.TopN, minSize: c.cfg.MinSizeBytes, rareMin: c.cfg.RareMinSizeBytes, blockB: blockSize})
	d.Total, d.UnlistedFK, d.UnlistedLarge, d.LargeTotal, d.Unjudged = p.total, p.unlistedFK, p.unlistedBig, p.largeTotal, p.unjudged
	return c.listed(ctx, db, cat, p, d)
}

// readLastScans sets LastIdxScan of the plain indexes in large (16+).
func readLastScans(ctx context.Context, db checks.Querier, q string, large []Index) error {
	at := map[uint32]int{}
	var oids []uint32
	for i, ix := range large {
		if ix.Partitions == 0 {
			at[ix.oid] = i
			oids = append(oids, ix.oid)
		}
	}
	if len(oids) == 0 {
		return nil
	}
	rows, err := db.Query(ctx, q, oids)
	if err != nil {
		return fmt.Errorf("read last scans: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var last *time.Time
		if err := rows.Scan(&oid, &last); err != nil {
			return fmt.Errorf("read last scans: %w", err)
		}
		if i, ok := at[oid]; ok {
			large[i].LastIdxScan = last
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read last scans: %w", err)
	}
	return nil
}

// val is *p, or the zero value for nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// fill works out how long the statistics have been counting, and which indexes are small.
func fill(d *Data, now time.Time) {
	if d.StatsReset != nil {
		d.StatsSince, d.StatsBasis = *d.StatsReset, "stats_reset"
	} else {
		// Never reset (15+): counting began at initdb, at the database's creation or at the
		// last crash, which the server start and the crash reset bound as long as the
		// database already existed then.
		d.StatsSince, d.StatsBasis = d.PostmasterStart, "lower_bound"
		if d.CrashReset != nil && d.CrashReset.After(d.StatsSince) {
			d.StatsSince = *d.CrashReset
		}
	}
	d.StatsAgeDays = max(0, math.Round(now.Sub(d.StatsSince).Hours()/24*10)/10)
	d.TooYoung = d.StatsAgeDays < float64(d.MinStatsAgeDays)
	for i := range d.Indexes {
		ix := &d.Indexes[i]
		ix.Small = ix.SizeBytes != nil && !ix.Locked && *ix.SizeBytes < d.MinSizeBytes
	}
}
