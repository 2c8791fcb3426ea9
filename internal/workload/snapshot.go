// Package workload takes snapshots of pg_stat_statements (counters and queryids only, no
// texts), turns two of them into the deltas of a time window, fetches and normalizes the
// texts of the few statements a report shows, and classifies statements by type and
// pg_query fingerprint. It is the foundation of the K and M checks (issue 16); it reads,
// it never writes, and it keeps no query text in a snapshot.
package workload

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed ext.sql
	extQuery string
	//go:embed rows.sql
	rowsQuery string
	//go:embed info.sql
	infoQuery string
)

// Queries are the statements a snapshot may send, for `pgcheckup sql` and the audits.
func Queries() []checks.Query {
	return []checks.Query{
		{Name: "workload ext.sql", SQL: extQuery},
		{Name: "workload rows.sql (every pg_stat_statements version)", SQL: rowsQuery},
		{Name: "workload info.sql (pg_stat_statements 1.9 and newer)", SQL: infoQuery},
		{Name: "workload texts.sql", SQL: textsQuery},
		{Name: "workload names.sql", SQL: namesQuery},
	}
}

// FormatVersion is the version of a saved snapshot's JSON.
const FormatVersion = 1

// Snapshot is one read of pg_stat_statements on one node: counters and queryids, never
// query texts.
type Snapshot struct {
	Format int `json:"format"`
	// SystemID is the cluster's system identifier, set by the caller when known: a delta
	// between two clusters is refused.
	SystemID string `json:"system_id,omitempty"`
	// Taken is the server's clock when the snapshot was read.
	Taken           time.Time `json:"taken"`
	PostmasterStart time.Time `json:"postmaster_start"`
	ServerVersion   int       `json:"server_version_num"`
	// ExtVersion is pg_extension.extversion, which can lag behind the server's;
	// ExtSchema is where the extension's objects live.
	ExtVersion string   `json:"extension_version"`
	ExtSchema  string   `json:"extension_schema"`
	Features   Features `json:"features"`
	Settings   Settings `json:"settings"`
	// StatsReset and Dealloc come from pg_stat_statements_info (1.9, PostgreSQL 14, and
	// newer): when all statistics were last reset, and how many entries were evicted
	// because pg_stat_statements.max was reached. Nil on older versions.
	StatsReset *time.Time `json:"stats_reset,omitempty"`
	Dealloc    *int64     `json:"dealloc,omitempty"`
	// Entries has one element per (queryid, userid, dbid, toplevel). Entries the role may
	// not see (NULL queryid without pg_read_all_stats) are summed into one Hidden entry
	// per (userid, dbid, toplevel).
	Entries []Entry `json:"entries"`
}

// Features says which counters the installed extension version provides, read from the
// columns it returns (so a version this code does not know is read as far as it can be).
type Features struct {
	Plan           bool `json:"plan,omitempty"`             // plans, total_plan_time (1.8)
	WAL            bool `json:"wal,omitempty"`              // wal_records, wal_fpi, wal_bytes (1.8)
	TopLevel       bool `json:"toplevel,omitempty"`         // toplevel (1.9)
	Info           bool `json:"info,omitempty"`             // pg_stat_statements_info (1.9)
	TempIOTiming   bool `json:"temp_io_timing,omitempty"`   // temp_blk_*_time (1.10)
	JIT            bool `json:"jit,omitempty"`              // jit_* (1.10)
	LocalIOTiming  bool `json:"local_io_timing,omitempty"`  // shared_/local_blk_*_time (1.11)
	StatsSince     bool `json:"stats_since,omitempty"`      // stats_since (1.11)
	WALBuffersFull bool `json:"wal_buffers_full,omitempty"` // 1.12
	Parallel       bool `json:"parallel,omitempty"`         // parallel_workers_* (1.12)
}

// Settings are the settings that decide what the counters can say. Empty when unknown.
type Settings struct {
	Max           int    `json:"max,omitempty"`            // pg_stat_statements.max
	Track         string `json:"track,omitempty"`          // top, all or none
	TrackPlanning string `json:"track_planning,omitempty"` // 13+
	TrackUtility  string `json:"track_utility,omitempty"`
	TrackIOTiming string `json:"track_io_timing,omitempty"`
	ComputeQuery  string `json:"compute_query_id,omitempty"` // 14+
}

// Key identifies an entry of pg_stat_statements.
type Key struct {
	QueryID  int64  `json:"queryid,string"` // exact: a JSON number would lose digits
	UserID   uint32 `json:"userid"`
	DBID     uint32 `json:"dbid"`
	TopLevel bool   `json:"toplevel"` // true before 1.9, which tracked no nested statements apart
	// Hidden marks the sum of the entries the role may not see (QueryID 0).
	Hidden bool `json:"hidden,omitempty"`
}

// Entry is one entry's counters.
type Entry struct {
	Key
	// HiddenEntries is how many entries a Hidden entry sums.
	HiddenEntries int `json:"hidden_entries,omitempty"`
	// StatsSince is when the entry's statistics started (1.11): an entry evicted or reset
	// and created again gets a new one.
	StatsSince *time.Time `json:"stats_since,omitempty"`
	Counters
}

// Counters are the cumulative counters of an entry, or their deltas over a window. A
// counter the extension version lacks stays zero; Features says which exist.
type Counters struct {
	Calls  int64   `json:"calls,omitempty"`
	Plans  int64   `json:"plans,omitempty"`
	ExecMS float64 `json:"exec_ms,omitempty"` // total_exec_time (total_time before 1.8)
	PlanMS float64 `json:"plan_ms,omitempty"` // total_plan_time
	Rows   int64   `json:"rows,omitempty"`

	SharedHit     int64 `json:"shared_blks_hit,omitempty"`
	SharedRead    int64 `json:"shared_blks_read,omitempty"`
	SharedDirtied int64 `json:"shared_blks_dirtied,omitempty"`
	SharedWritten int64 `json:"shared_blks_written,omitempty"`
	LocalHit      int64 `json:"local_blks_hit,omitempty"`
	LocalRead     int64 `json:"local_blks_read,omitempty"`
	LocalDirtied  int64 `json:"local_blks_dirtied,omitempty"`
	LocalWritten  int64 `json:"local_blks_written,omitempty"`
	TempRead      int64 `json:"temp_blks_read,omitempty"`
	TempWritten   int64 `json:"temp_blks_written,omitempty"`

	// BlkReadMS and BlkWriteMS are the time reading and writing data blocks, shared and
	// local (blk_read_time before 1.11, shared_ plus local_blk_read_time from 1.11);
	// LocalBlkReadMS and LocalBlkWriteMS are the local part (1.11). Zero unless
	// track_io_timing is on.
	BlkReadMS       float64 `json:"blk_read_ms,omitempty"`
	BlkWriteMS      float64 `json:"blk_write_ms,omitempty"`
	LocalBlkReadMS  float64 `json:"local_blk_read_ms,omitempty"`
	LocalBlkWriteMS float64 `json:"local_blk_write_ms,omitempty"`
	TempBlkReadMS   float64 `json:"temp_blk_read_ms,omitempty"`
	TempBlkWriteMS  float64 `json:"temp_blk_write_ms,omitempty"`

	WALRecords     int64   `json:"wal_records,omitempty"`
	WALFPI         int64   `json:"wal_fpi,omitempty"`
	WALBytes       float64 `json:"wal_bytes,omitempty"` // numeric on the server
	WALBuffersFull int64   `json:"wal_buffers_full,omitempty"`

	JITFunctions         int64   `json:"jit_functions,omitempty"`
	JITGenerationMS      float64 `json:"jit_generation_ms,omitempty"`
	JITInliningCount     int64   `json:"jit_inlining_count,omitempty"`
	JITInliningMS        float64 `json:"jit_inlining_ms,omitempty"`
	JITOptimizationCount int64   `json:"jit_optimization_count,omitempty"`
	JITOptimizationMS    float64 `json:"jit_optimization_ms,omitempty"`
	JITEmissionCount     int64   `json:"jit_emission_count,omitempty"`
	JITEmissionMS        float64 `json:"jit_emission_ms,omitempty"`
	JITDeformCount       int64   `json:"jit_deform_count,omitempty"`
	JITDeformMS          float64 `json:"jit_deform_ms,omitempty"`

	ParallelWorkersToLaunch int64 `json:"parallel_workers_to_launch,omitempty"`
	ParallelWorkersLaunched int64 `json:"parallel_workers_launched,omitempty"`
}

// TimeMS is execution plus planning time.
func (c Counters) TimeMS() float64 { return c.ExecMS + c.PlanMS }

// IOTimeMS is the time spent reading and writing data and temporary blocks.
func (c Counters) IOTimeMS() float64 {
	return c.BlkReadMS + c.BlkWriteMS + c.TempBlkReadMS + c.TempBlkWriteMS
}

// ErrNotLoaded and ErrNotInstalled say why no snapshot can be taken.
var (
	ErrNotInstalled = errors.New("extension pg_stat_statements is not installed in this database")
	ErrNotLoaded    = errors.New("pg_stat_statements is installed but not loaded (not in shared_preload_libraries)")
)

// Take reads one snapshot on q (one session): the extension's version and schema, then
// every entry's counters (showtext := false), then pg_stat_statements_info where it
// exists. Three statements; the query-text file is not read.
func Take(ctx context.Context, q checks.Querier) (*Snapshot, error) {
	s := &Snapshot{Format: FormatVersion}
	var loaded bool
	var version, max string
	err := q.QueryRow(ctx, extQuery).Scan(&s.ExtVersion, &s.ExtSchema, &loaded, &s.Features.Info, &s.Taken,
		&s.PostmasterStart, &version, &max, &s.Settings.Track, &s.Settings.TrackPlanning,
		&s.Settings.TrackUtility, &s.Settings.TrackIOTiming, &s.Settings.ComputeQuery)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, ErrNotInstalled
	case err != nil:
		return nil, fmt.Errorf("read the pg_stat_statements extension: %w", err)
	case !loaded:
		return nil, ErrNotLoaded
	}
	s.ServerVersion, _ = strconv.Atoi(version)
	s.Settings.Max, _ = strconv.Atoi(max)
	// the server holds at most max entries: one allocation, not a doubling of large values
	if n := s.Settings.Max; n > 0 && n <= 10_000 {
		s.Entries = make([]Entry, 0, n)
	}
	if err := s.readEntries(ctx, q); err != nil {
		return nil, err
	}
	if s.Features.Info {
		var dealloc int64
		var reset time.Time
		if err := q.QueryRow(ctx, checks.InSchema(infoQuery, s.ExtSchema)).Scan(&dealloc, &reset); err != nil {
			return nil, fmt.Errorf("read pg_stat_statements_info: %w", err)
		}
		s.Dealloc, s.StatsReset = &dealloc, &reset
	}
	return s, nil
}

// row is where one row is scanned: the entry, and the values that need work after.
type row struct {
	e                   Entry
	queryID             *int64
	sharedRead, sharedW float64 // shared_blk_*_time (1.11), added to BlkReadMS/BlkWriteMS
	statsSince          *time.Time
}

// columns maps pg_stat_statements' column names, of every version, to where they go.
// Columns not listed (query, min/max/mean/stddev times, minmax_stats_since: not
// cumulative, so no delta can be taken of them) are skipped.
var columns = map[string]func(r *row) any{
	"userid":                     func(r *row) any { return &r.e.UserID },
	"dbid":                       func(r *row) any { return &r.e.DBID },
	"toplevel":                   func(r *row) any { return &r.e.TopLevel },
	"queryid":                    func(r *row) any { return &r.queryID },
	"calls":                      func(r *row) any { return &r.e.Calls },
	"plans":                      func(r *row) any { return &r.e.Plans },
	"total_time":                 func(r *row) any { return &r.e.ExecMS },
	"total_exec_time":            func(r *row) any { return &r.e.ExecMS },
	"total_plan_time":            func(r *row) any { return &r.e.PlanMS },
	"rows":                       func(r *row) any { return &r.e.Rows },
	"shared_blks_hit":            func(r *row) any { return &r.e.SharedHit },
	"shared_blks_read":           func(r *row) any { return &r.e.SharedRead },
	"shared_blks_dirtied":        func(r *row) any { return &r.e.SharedDirtied },
	"shared_blks_written":        func(r *row) any { return &r.e.SharedWritten },
	"local_blks_hit":             func(r *row) any { return &r.e.LocalHit },
	"local_blks_read":            func(r *row) any { return &r.e.LocalRead },
	"local_blks_dirtied":         func(r *row) any { return &r.e.LocalDirtied },
	"local_blks_written":         func(r *row) any { return &r.e.LocalWritten },
	"temp_blks_read":             func(r *row) any { return &r.e.TempRead },
	"temp_blks_written":          func(r *row) any { return &r.e.TempWritten },
	"blk_read_time":              func(r *row) any { return &r.e.BlkReadMS },
	"blk_write_time":             func(r *row) any { return &r.e.BlkWriteMS },
	"shared_blk_read_time":       func(r *row) any { return &r.sharedRead },
	"shared_blk_write_time":      func(r *row) any { return &r.sharedW },
	"local_blk_read_time":        func(r *row) any { return &r.e.LocalBlkReadMS },
	"local_blk_write_time":       func(r *row) any { return &r.e.LocalBlkWriteMS },
	"temp_blk_read_time":         func(r *row) any { return &r.e.TempBlkReadMS },
	"temp_blk_write_time":        func(r *row) any { return &r.e.TempBlkWriteMS },
	"wal_records":                func(r *row) any { return &r.e.WALRecords },
	"wal_fpi":                    func(r *row) any { return &r.e.WALFPI },
	"wal_bytes":                  func(r *row) any { return &r.e.WALBytes },
	"wal_buffers_full":           func(r *row) any { return &r.e.WALBuffersFull },
	"jit_functions":              func(r *row) any { return &r.e.JITFunctions },
	"jit_generation_time":        func(r *row) any { return &r.e.JITGenerationMS },
	"jit_inlining_count":         func(r *row) any { return &r.e.JITInliningCount },
	"jit_inlining_time":          func(r *row) any { return &r.e.JITInliningMS },
	"jit_optimization_count":     func(r *row) any { return &r.e.JITOptimizationCount },
	"jit_optimization_time":      func(r *row) any { return &r.e.JITOptimizationMS },
	"jit_emission_count":         func(r *row) any { return &r.e.JITEmissionCount },
	"jit_emission_time":          func(r *row) any { return &r.e.JITEmissionMS },
	"jit_deform_count":           func(r *row) any { return &r.e.JITDeformCount },
	"jit_deform_time":            func(r *row) any { return &r.e.JITDeformMS },
	"parallel_workers_to_launch": func(r *row) any { return &r.e.ParallelWorkersToLaunch },
	"parallel_workers_launched":  func(r *row) any { return &r.e.ParallelWorkersLaunched },
	"stats_since":                func(r *row) any { return &r.statsSince },
}

// features sets the Features the returned columns show.
func (f *Features) set(names map[string]bool) {
	f.Plan = names["total_plan_time"]
	f.WAL = names["wal_bytes"]
	f.TopLevel = names["toplevel"]
	f.TempIOTiming = names["temp_blk_read_time"]
	f.JIT = names["jit_functions"]
	f.LocalIOTiming = names["local_blk_read_time"]
	f.StatsSince = names["stats_since"]
	f.WALBuffersFull = names["wal_buffers_full"]
	f.Parallel = names["parallel_workers_launched"]
}

func (s *Snapshot) readEntries(ctx context.Context, q checks.Querier) error {
	rows, err := q.Query(ctx, checks.InSchema(rowsQuery, s.ExtSchema))
	if err != nil {
		return fmt.Errorf("read pg_stat_statements: %w", err)
	}
	defer rows.Close()
	fds := rows.FieldDescriptions()
	names := make(map[string]bool, len(fds))
	targets := make([]func(*row) any, len(fds))
	for i, fd := range fds {
		names[fd.Name] = true
		targets[i] = columns[fd.Name]
	}
	if !names["queryid"] || !names["calls"] || !(names["total_time"] || names["total_exec_time"]) {
		return fmt.Errorf("pg_stat_statements %s returns no queryid, calls or total time", s.ExtVersion)
	}
	s.Features.set(names)
	dest := make([]any, len(fds))
	hidden := map[Key]int{} // index in s.Entries of each hidden sum
	for rows.Next() {
		var r row
		r.e.TopLevel = true // before 1.9 only top-level statements had entries of their own
		for i, t := range targets {
			dest[i] = nil
			if t != nil {
				dest[i] = t(&r)
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read pg_stat_statements: %w", err)
		}
		r.e.BlkReadMS += r.sharedRead
		r.e.BlkWriteMS += r.sharedW + r.e.LocalBlkWriteMS
		r.e.BlkReadMS += r.e.LocalBlkReadMS
		if r.queryID == nil {
			r.e.Hidden = true
			if i, ok := hidden[r.e.Key]; ok {
				s.Entries[i].Counters = s.Entries[i].Counters.add(r.e.Counters)
				s.Entries[i].HiddenEntries++
				continue
			}
			hidden[r.e.Key] = len(s.Entries)
			r.e.HiddenEntries = 1
		} else {
			r.e.QueryID = *r.queryID
			r.e.StatsSince = r.statsSince
		}
		s.Entries = append(s.Entries, r.e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read pg_stat_statements: %w", err)
	}
	return nil
}
