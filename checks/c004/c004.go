// Package c004 reports what a standby's queries and its WAL replay do to each other:
// the settings that decide whether replay waits for queries or cancels them
// (hot_standby_feedback, max_standby_*_delay, recovery_min_apply_delay, the WAL
// receiver's timeouts) and the recovery conflicts the standby counted, by type, summed
// over its databases and per database.
package c004

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	//go:embed c004_conflicts.sql
	queryConflicts string
	//go:embed c004_conflicts_pg16.sql
	queryConflicts16 string

	querySettings = pgsettings.SQL("C004")
	settingNames  = []string{"hot_standby", "hot_standby_feedback", "max_standby_streaming_delay", "max_standby_archive_delay",
		"recovery_min_apply_delay", "wal_receiver_status_interval", "wal_receiver_timeout", "wal_retrieve_retry_interval",
		"primary_slot_name", "vacuum_defer_cleanup_age"}
)

const v16 = 160000

// Check is C004.
type Check struct{ cfg Config }

// Config holds C004's thresholds.
type Config struct {
	// A conflict type with at least MinConflicts cancellations since the statistics
	// were reset is a finding.
	MinConflicts int64 `toml:"min_conflicts"`
	// TopN databases with conflicts are listed (the sums cover all of them).
	TopN int `toml:"top_n"`
}

// New returns C004 with its defaults.
func New() *Check { return &Check{cfg: Config{MinConflicts: 1, TopN: 50}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check. It runs on every node: on a primary it only shows the
// settings and counters (which a promoted standby keeps), without findings.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "C004", Title: "Standby: feedback, delays and recovery conflicts", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "c004_conflicts.sql", MaxVersion: v16, SQL: queryConflicts},
		{Name: "c004_conflicts.sql", MinVersion: v16, SQL: queryConflicts16},
		{Name: "settings.sql", SQL: querySettings},
	}
}

// Conflicts counts the queries (and, 16+, logical slots) recovery conflicts cancelled.
type Conflicts struct {
	Snapshot   int64 `json:"snapshot"`   // replay removes row versions a query may still see
	Lock       int64 `json:"lock"`       // replay needs a lock a query holds
	BufferPin  int64 `json:"bufferpin"`  // replay needs a page a query holds pinned
	Deadlock   int64 `json:"deadlock"`   // a buffer-pin deadlock with replay
	Tablespace int64 `json:"tablespace"` // a dropped tablespace held temporary files
	// Logical slots on this standby invalidated by replay (16+; nil before).
	ActiveLogicalSlot *int64 `json:"active_logicalslot"`
}

// Total is the sum of every type.
func (c Conflicts) Total() int64 {
	t := c.Snapshot + c.Lock + c.BufferPin + c.Deadlock + c.Tablespace
	if c.ActiveLogicalSlot != nil {
		t += *c.ActiveLogicalSlot
	}
	return t
}

// Database is one database with conflicts.
type Database struct {
	Name checks.Name `json:"name"`
	Conflicts
	// Time since this database's statistics were reset; nil: never reset (counted since
	// the statistics began, e.g. since the standby was created or last crashed).
	ResetAgeSec *float64 `json:"reset_age_sec"`
}

// Data is what C004 reports.
type Data struct {
	InRecovery bool `json:"in_recovery"`
	// Databases with conflicts, most first, top_n of them.
	Databases []Database `json:"databases"`
	// Sums over every database with conflicts, and how many those are.
	Totals              Conflicts `json:"totals"`
	ConflictDatabases   int       `json:"conflict_databases"`
	OldestResetAgeSec   *float64  `json:"oldest_reset_age_sec"`
	NeverResetDatabases int       `json:"never_reset_databases"`

	HotStandby        bool                   `json:"hot_standby"`
	Feedback          bool                   `json:"hot_standby_feedback"`
	StatusIntervalSec *float64               `json:"status_interval_sec"` // wal_receiver_status_interval; 0 sends no status and no feedback
	StreamingDelaySec float64                `json:"streaming_delay_sec"` // -1: wait forever (C002's finding)
	ArchiveDelaySec   float64                `json:"archive_delay_sec"`
	ApplyDelaySec     float64                `json:"apply_delay_sec"`
	PrimarySlot       checks.Name            `json:"primary_slot_name"`
	Settings          []pgsettings.Converted `json:"settings"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{InRecovery: t.Node.InRecovery, Databases: []Database{}, Settings: []pgsettings.Converted{}}
	q, _ := checks.Pick(c.Queries(), "c004_conflicts.sql", t.Node.VersionNum)
	rows, err := t.DB.Query(ctx, q, c.cfg.TopN)
	if err != nil {
		return nil, fmt.Errorf("read pg_stat_database_conflicts: %w", err)
	}
	for rows.Next() {
		var db Database
		var tot Conflicts
		var n, never int64
		if err := rows.Scan(&db.Name, &db.Tablespace, &db.Lock, &db.Snapshot, &db.BufferPin, &db.Deadlock, &db.ActiveLogicalSlot,
			&db.ResetAgeSec, &tot.Tablespace, &tot.Lock, &tot.Snapshot, &tot.BufferPin, &tot.Deadlock, &tot.ActiveLogicalSlot,
			&n, &d.OldestResetAgeSec, &never); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read pg_stat_database_conflicts: %w", err)
		}
		d.Databases = append(d.Databases, db)
		d.Totals, d.ConflictDatabases, d.NeverResetDatabases = tot, int(n), int(never)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_stat_database_conflicts: %w", err)
	}
	if t.Node.VersionNum >= v16 && d.Totals.ActiveLogicalSlot == nil {
		zero := int64(0)
		d.Totals.ActiveLogicalSlot = &zero
	}
	list, err := pgsettings.ReadConverted(ctx, t.DB, querySettings, settingNames)
	if err != nil {
		return nil, err
	}
	d.Settings = list
	set := pgsettings.NewIndex(list)
	d.HotStandby = set["hot_standby"].Bool()
	d.Feedback = set["hot_standby_feedback"].Bool()
	if v, ok := set["wal_receiver_status_interval"].Seconds(); ok {
		d.StatusIntervalSec = &v
	}
	d.StreamingDelaySec, _ = set["max_standby_streaming_delay"].Seconds()
	d.ArchiveDelaySec, _ = set["max_standby_archive_delay"].Seconds()
	d.ApplyDelaySec, _ = set["recovery_min_apply_delay"].Seconds()
	d.PrimarySlot = checks.Name(set["primary_slot_name"].Value)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}
