// Package e002 reports checkpoints and the background writer: timed against requested
// checkpoints, who writes buffers (checkpointer, bgwriter, backends), and on 16+ the
// pg_stat_io summary per process type.
package e002

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	//go:embed e002.sql
	queryBgwriter string
	//go:embed e002_pg17.sql
	queryCheckpointer string
	//go:embed e002_io.sql
	queryIO string
	//go:embed e002_wal.sql
	queryWAL string

	querySettings = pgsettings.SQL("E002")
	settingNames  = []string{"checkpoint_timeout", "max_wal_size", "checkpoint_completion_target",
		"bgwriter_lru_maxpages", "bgwriter_delay", "shared_buffers", "log_checkpoints"}
)

const (
	v14 = 140000
	v16 = 160000
	v17 = 170000
)

// Check is E002.
type Check struct{ cfg Config }

// Config holds E002's thresholds.
type Config struct {
	// RequestedPercent: requested checkpoints above this share of all checkpoints are P2.
	RequestedPercent float64 `toml:"requested_percent"`
	// MinCheckpoints: fewer checkpoints since the reset than this are too few to judge.
	MinCheckpoints int64 `toml:"min_checkpoints"`
	// BackendWritesPercent: backends writing more than this share of all buffers written
	// is P3.
	BackendWritesPercent float64 `toml:"backend_writes_percent"`
	// MinBuffersWritten: fewer buffers written than this are too few to judge shares.
	MinBuffersWritten int64 `toml:"min_buffers_written"`
}

// New returns E002 with its defaults.
func New() *Check {
	return &Check{cfg: Config{RequestedPercent: 20, MinCheckpoints: 10, BackendWritesPercent: 30, MinBuffersWritten: 100000}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "E002", Title: "Checkpoints and background writer", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "e002.sql", MaxVersion: v17, SQL: queryBgwriter},
		{Name: "e002.sql", MinVersion: v17, SQL: queryCheckpointer},
		{Name: "e002_wal.sql", MinVersion: v14, SQL: queryWAL},
		{Name: "e002_io.sql", MinVersion: v16, SQL: queryIO},
		{Name: "settings.sql", SQL: querySettings},
	}
}

// IORow sums pg_stat_io (object "relation", all contexts) for one process type.
type IORow struct {
	BackendType  checks.Text `json:"backend_type"`
	WritesNormal int64       `json:"writes_normal"` // writes in context "normal" (not bulk/vacuum rings)
	Writes       int64       `json:"writes"`
	Fsyncs       int64       `json:"fsyncs"`
	Evictions    int64       `json:"evictions"`
	Reads        int64       `json:"reads"`
}

// Data is what E002 reports.
type Data struct {
	Source     checks.Label `json:"source"` // view the checkpoint counters come from
	InRecovery bool         `json:"in_recovery"`

	CheckpointsTimed       int64   `json:"checkpoints_timed"`
	CheckpointsRequested   int64   `json:"checkpoints_requested"`
	RestartpointsTimed     *int64  `json:"restartpoints_timed"`     // 17+
	RestartpointsRequested *int64  `json:"restartpoints_requested"` // 17+
	RestartpointsDone      *int64  `json:"restartpoints_done"`      // 17+
	WriteTimeMS            float64 `json:"write_time_ms"`
	SyncTimeMS             float64 `json:"sync_time_ms"`
	BuffersCheckpoint      int64   `json:"buffers_checkpoint"`
	BuffersClean           int64   `json:"buffers_clean"`
	MaxwrittenClean        int64   `json:"maxwritten_clean"`
	BuffersBackend         *int64  `json:"buffers_backend"`       // before 17
	BuffersBackendFsync    *int64  `json:"buffers_backend_fsync"` // before 17
	BuffersAlloc           int64   `json:"buffers_alloc"`

	StatsReset                *time.Time `json:"stats_reset"` // of the checkpoint counters
	SecondsSinceReset         *float64   `json:"seconds_since_reset"`
	BgwriterStatsReset        *time.Time `json:"bgwriter_stats_reset"` // 17+: reset separately
	BgwriterSecondsSinceReset *float64   `json:"bgwriter_seconds_since_reset"`

	WALBytes             *float64   `json:"wal_bytes"` // 14+, pg_stat_wal
	WALStatsReset        *time.Time `json:"wal_stats_reset"`
	WALSecondsSinceReset *float64   `json:"wal_seconds_since_reset"`

	HasIO    bool                   `json:"has_io"` // pg_stat_io exists (16+)
	IO       []IORow                `json:"io"`
	Settings []pgsettings.Converted `json:"settings"`

	CheckpointTimeoutSec       float64 `json:"checkpoint_timeout_sec"`
	MaxWALSizeBytes            int64   `json:"max_wal_size_bytes"`
	CheckpointCompletionTarget float64 `json:"checkpoint_completion_target"`

	Derived Derived `json:"derived"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	v := t.Node.VersionNum
	d := Data{InRecovery: t.Node.InRecovery, IO: []IORow{}, Settings: []pgsettings.Converted{}}
	if err := readCounters(ctx, t.DB, v, &d); err != nil {
		return nil, err
	}
	if v >= v14 {
		if err := t.DB.QueryRow(ctx, queryWAL).Scan(&d.WALBytes, &d.WALStatsReset, &d.WALSecondsSinceReset); err != nil {
			return nil, fmt.Errorf("read pg_stat_wal: %w", err)
		}
	}
	if v >= v16 {
		d.HasIO = true
		if err := readIO(ctx, t.DB, &d); err != nil {
			return nil, err
		}
	}
	list, err := pgsettings.ReadConverted(ctx, t.DB, querySettings, settingNames)
	if err != nil {
		return nil, err
	}
	d.Settings = list
	set := pgsettings.NewIndex(list)
	d.CheckpointTimeoutSec, _ = set["checkpoint_timeout"].Seconds()
	d.MaxWALSizeBytes, _ = set["max_wal_size"].Bytes()
	d.CheckpointCompletionTarget, _ = set["checkpoint_completion_target"].Float()
	d.Derived = derive(d)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func readCounters(ctx context.Context, db checks.Querier, v int, d *Data) error {
	if v < v17 {
		d.Source = "pg_stat_bgwriter"
		err := db.QueryRow(ctx, queryBgwriter).Scan(&d.CheckpointsTimed, &d.CheckpointsRequested,
			&d.WriteTimeMS, &d.SyncTimeMS, &d.BuffersCheckpoint, &d.BuffersClean, &d.MaxwrittenClean,
			&d.BuffersBackend, &d.BuffersBackendFsync, &d.BuffersAlloc, &d.StatsReset, &d.SecondsSinceReset)
		if err != nil {
			return fmt.Errorf("read pg_stat_bgwriter: %w", err)
		}
		d.BgwriterStatsReset, d.BgwriterSecondsSinceReset = d.StatsReset, d.SecondsSinceReset
		return nil
	}
	d.Source = "pg_stat_checkpointer"
	err := db.QueryRow(ctx, queryCheckpointer).Scan(&d.CheckpointsTimed, &d.CheckpointsRequested,
		&d.RestartpointsTimed, &d.RestartpointsRequested, &d.RestartpointsDone, &d.WriteTimeMS,
		&d.SyncTimeMS, &d.BuffersCheckpoint, &d.BuffersClean, &d.MaxwrittenClean, &d.BuffersAlloc,
		&d.StatsReset, &d.SecondsSinceReset, &d.BgwriterStatsReset, &d.BgwriterSecondsSinceReset)
	if err != nil {
		return fmt.Errorf("read pg_stat_checkpointer: %w", err)
	}
	return nil
}

func readIO(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, queryIO)
	if err != nil {
		return fmt.Errorf("read pg_stat_io: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r IORow
		if err := rows.Scan(&r.BackendType, &r.WritesNormal, &r.Writes, &r.Fsyncs, &r.Evictions, &r.Reads); err != nil {
			return fmt.Errorf("read pg_stat_io: %w", err)
		}
		d.IO = append(d.IO, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read pg_stat_io: %w", err)
	}
	return nil
}
