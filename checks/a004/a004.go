// Package a004 describes the cluster: role, uptime, connections, database sizes and the
// activity counters of pg_stat_database, and checkpoint counts.
package a004

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed a004_cluster.sql
	clusterQuery string
	//go:embed a004_cluster_pg17.sql
	clusterQuery17 string
	//go:embed a004_databases.sql
	databasesQuery string
)

// pg_stat_checkpointer took over the checkpoint columns of pg_stat_bgwriter in 17.
const pg17 = 170000

// Check is A004.
type Check struct{ cfg Config }

// Config holds A004's thresholds. Counters are judged per database, over the period since
// its statistics were last reset.
type Config struct {
	CacheHitMinPct    float64 `toml:"cache_hit_min_pct"`    // below this: P3
	CacheHitMinBlocks int64   `toml:"cache_hit_min_blocks"` // judge only with this many block accesses
	CommitMinPct      float64 `toml:"commit_min_pct"`       // below this: P3
	CommitMinXacts    int64   `toml:"commit_min_xacts"`     // judge only with this many transactions
	DeadlocksMin      int64   `toml:"deadlocks_min"`        // this many or more: P3
	TempBytesInfo     int64   `toml:"temp_bytes_info"`      // this many temp file bytes or more: info
	// ExactDatabaseSizes calls pg_database_size() on every database. It walks every file
	// of the cluster (seconds on a large one), so by default only the connected database
	// is sized, estimated from its catalog.
	ExactDatabaseSizes bool `toml:"exact_database_sizes"`
}

// New returns A004 with its defaults.
func New() *Check {
	return &Check{cfg: Config{CacheHitMinPct: 95, CacheHitMinBlocks: 1_000_000, CommitMinPct: 90,
		CommitMinXacts: 10_000, DeadlocksMin: 1, TempBytesInfo: 1 << 30}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A004", Title: "Cluster information", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "a004_cluster.sql", MaxVersion: pg17, SQL: clusterQuery},
		{Name: "a004_cluster.sql", MinVersion: pg17, SQL: clusterQuery17},
		{Name: "a004_databases.sql", SQL: databasesQuery},
	}
}

// Checkpoints are the checkpointer's counters. Before 17 they include a standby's
// restartpoints; from 17 restartpoints are counted apart (and not read here).
type Checkpoints struct {
	Timed           int64      `json:"timed"`     // started by checkpoint_timeout
	Requested       int64      `json:"requested"` // started by max_wal_size, CHECKPOINT, shutdown...
	WriteSeconds    float64    `json:"write_s"`   // writing buffers, spread over the checkpoint
	SyncSeconds     float64    `json:"sync_s"`    // fsync at the end; long syncs mean slow storage
	BuffersWritten  int64      `json:"buffers_written"`
	StatsReset      *time.Time `json:"stats_reset,omitempty"`
	StatsAgeSeconds *float64   `json:"stats_age_s,omitempty"`
}

// Stats are pg_stat_database counters, for one database or summed over all.
type Stats struct {
	Backends  int64 `json:"backends"`
	Commits   int64 `json:"commits"`
	Rollbacks int64 `json:"rollbacks"`
	BlksRead  int64 `json:"blks_read"`
	BlksHit   int64 `json:"blks_hit"`
	TempFiles int64 `json:"temp_files"`
	TempBytes int64 `json:"temp_bytes"`
	Deadlocks int64 `json:"deadlocks"`
	Conflicts int64 `json:"conflicts"`
	// ChecksumFailures is nil when data checksums are off (nothing is counted then).
	ChecksumFailures *int64 `json:"checksum_failures,omitempty"`
	// CacheHitPct and CommitPct are nil when there was nothing to divide.
	CacheHitPct *float64 `json:"cache_hit_pct,omitempty"`
	CommitPct   *float64 `json:"commit_pct,omitempty"`
}

// How a database's size was found (Database.SizeSource).
const (
	SizeExact       checks.Label = "exact"        // pg_database_size()
	SizeEstimate    checks.Label = "estimate"     // the connected database: its catalog's page counts
	SizeNotMeasured checks.Label = "not measured" // another database, without exact_database_sizes
	SizeNoPrivilege checks.Label = "no privilege" // exact sizes asked, but this role may not read it
)

// Database is one database.
type Database struct {
	Name checks.Name `json:"name"`
	// SizeBytes is nil when the size was not measured or may not be read (SizeSource).
	SizeBytes  *int64       `json:"size_bytes,omitempty"`
	SizeSource checks.Label `json:"size_source"`
	AllowConn  bool         `json:"allow_conn"`
	Stats
	ChecksumLastFailure *time.Time `json:"checksum_last_failure,omitempty"`
	StatsReset          *time.Time `json:"stats_reset,omitempty"` // nil: never reset
	StatsAgeSeconds     *float64   `json:"stats_age_s,omitempty"`
}

// Data is what A004 reports.
type Data struct {
	Role              checks.Label `json:"role"` // primary or standby
	StartedAt         time.Time    `json:"started_at"`
	UptimeSeconds     float64      `json:"uptime_s"`
	MaxConnections    int          `json:"max_connections"`
	SuperuserReserved int          `json:"superuser_reserved_connections"`
	Connections       int          `json:"connections"` // client backends, pgcheckup's included
	// ConnectionsHidden counts sessions and server processes whose type this role may not
	// see (needs pg_read_all_stats): some of them may be client connections.
	ConnectionsHidden int          `json:"connections_hidden"`
	Checkpoints       Checkpoints  `json:"checkpoints"`
	CheckpointSource  checks.Label `json:"checkpoint_source"` // the view read
	Databases         []Database   `json:"databases"`
	Total             Stats        `json:"total"`
	TotalSizeBytes    int64        `json:"total_size_bytes"` // of the databases with a size
	SizeUnknown       int          `json:"size_unknown"`     // databases without a size (not measured or no privilege)
	// ExactSizes says whether pg_database_size() was asked for (exact_database_sizes);
	// without it TotalSizeBytes is the connected database's estimate alone.
	ExactSizes bool `json:"exact_sizes"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	q, ok := checks.Pick(c.Queries(), "a004_cluster.sql", t.Node.VersionNum)
	if !ok {
		return nil, fmt.Errorf("no cluster query for server version %d", t.Node.VersionNum)
	}
	d := Data{Databases: []Database{}, CheckpointSource: "pg_stat_bgwriter", ExactSizes: c.cfg.ExactDatabaseSizes}
	if t.Node.VersionNum >= pg17 {
		d.CheckpointSource = "pg_stat_checkpointer"
	}
	var inRecovery bool
	cp := &d.Checkpoints
	if err := t.DB.QueryRow(ctx, q).Scan(&inRecovery, &d.StartedAt, &d.UptimeSeconds, &d.MaxConnections,
		&d.SuperuserReserved, &d.Connections, &d.ConnectionsHidden, &cp.Timed, &cp.Requested, &cp.WriteSeconds, &cp.SyncSeconds,
		&cp.BuffersWritten, &cp.StatsReset, &cp.StatsAgeSeconds); err != nil {
		return nil, fmt.Errorf("read cluster information: %w", err)
	}
	d.Role = "primary"
	if inRecovery {
		d.Role = "standby"
	}
	cp.WriteSeconds /= 1000 // the views count milliseconds
	cp.SyncSeconds /= 1000
	d.StartedAt = utc(&d.StartedAt)
	cp.StatsReset = utcPtr(cp.StatsReset)
	if err := readDatabases(ctx, t.DB, c.cfg.ExactDatabaseSizes, &d); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func readDatabases(ctx context.Context, db checks.Querier, exact bool, d *Data) error {
	rows, err := db.Query(ctx, databasesQuery, exact)
	if err != nil {
		return fmt.Errorf("read databases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Database
		if err := rows.Scan(&x.Name, &x.SizeBytes, &x.SizeSource, &x.AllowConn, &x.Backends, &x.Commits, &x.Rollbacks,
			&x.BlksRead, &x.BlksHit, &x.TempFiles, &x.TempBytes, &x.Deadlocks, &x.Conflicts,
			&x.ChecksumFailures, &x.ChecksumLastFailure, &x.StatsReset, &x.StatsAgeSeconds); err != nil {
			return fmt.Errorf("read databases: %w", err)
		}
		x.ChecksumLastFailure, x.StatsReset = utcPtr(x.ChecksumLastFailure), utcPtr(x.StatsReset)
		x.ratios()
		d.Databases = append(d.Databases, x)
		d.Total.add(x.Stats)
		if x.SizeBytes == nil {
			d.SizeUnknown++
		} else {
			d.TotalSizeBytes += *x.SizeBytes
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read databases: %w", err)
	}
	d.Total.ratios()
	return nil
}

func (s *Stats) add(o Stats) {
	s.Backends += o.Backends
	s.Commits += o.Commits
	s.Rollbacks += o.Rollbacks
	s.BlksRead += o.BlksRead
	s.BlksHit += o.BlksHit
	s.TempFiles += o.TempFiles
	s.TempBytes += o.TempBytes
	s.Deadlocks += o.Deadlocks
	s.Conflicts += o.Conflicts
	if o.ChecksumFailures != nil {
		n := *o.ChecksumFailures
		if s.ChecksumFailures != nil {
			n += *s.ChecksumFailures
		}
		s.ChecksumFailures = &n
	}
}

func (s *Stats) ratios() {
	s.CacheHitPct = pct(s.BlksHit, s.BlksHit+s.BlksRead)
	s.CommitPct = pct(s.Commits, s.Commits+s.Rollbacks)
}

func pct(part, whole int64) *float64 {
	if whole <= 0 {
		return nil
	}
	v := float64(part) * 100 / float64(whole)
	return &v
}

// utc drops the session's time zone and sub-second noise, so reports compare.
func utc(t *time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := utc(t)
	return &v
}
