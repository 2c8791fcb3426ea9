// Package c002 reports streaming replication: on a primary each standby connected to
// it (state, sync state, lag in bytes and time); on a standby its WAL receiver, replay
// lag and whether replay is paused; and the settings that shape both.
package c002

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	//go:embed c002_senders.sql
	querySenders string
	//go:embed c002_receiver.sql
	queryReceiver string
	//go:embed c002_receiver_pg14.sql
	queryReceiver14 string

	querySettings = pgsettings.SQL("C002")
	// primary_conninfo is left out on purpose: it can hold a password. The receiver query
	// only asks whether it is set.
	settingNames = []string{"hot_standby", "hot_standby_feedback", "max_standby_archive_delay", "max_standby_streaming_delay",
		"recovery_min_apply_delay", "wal_keep_size", "wal_keep_segments", "max_slot_wal_keep_size", "max_wal_senders",
		"max_replication_slots", "synchronous_standby_names", "synchronous_commit", "primary_slot_name",
		"wal_sender_timeout", "wal_receiver_timeout", "cluster_name"}
)

const v14 = 140000

// Check is C002.
type Check struct{ cfg Config }

// Config holds C002's thresholds.
type Config struct {
	// A standby more than LagMB megabytes or LagSeconds seconds behind is P2.
	LagMB      float64 `toml:"lag_mb"`
	LagSeconds float64 `toml:"lag_seconds"`
}

// New returns C002 with its defaults.
func New() *Check { return &Check{cfg: Config{LagMB: 1024, LagSeconds: 300}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "C002", Title: "Replication", Scope: checks.Cluster, Doc: doc,
		// LSNs and lag in pg_stat_replication and the WAL receiver's status are hidden
		// from roles without pg_read_all_stats.
		Requires: []checks.Requirement{checks.NeedPGMonitor}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "c002_senders.sql", SQL: querySenders},
		{Name: "c002_receiver.sql", MaxVersion: v14, SQL: queryReceiver},
		{Name: "c002_receiver.sql", MinVersion: v14, SQL: queryReceiver14},
		{Name: "settings.sql", SQL: querySettings},
	}
}

// Standby is one standby (or other WAL receiver) connected to this node. Lags in bytes
// are measured from this node's current WAL position.
type Standby struct {
	PID            int          `json:"pid"`
	Application    checks.Name  `json:"application"`
	State          checks.Text  `json:"state"`
	SyncState      checks.Text  `json:"sync_state"`
	SyncPriority   int          `json:"sync_priority"`
	Slot           *checks.Name `json:"slot"`
	SentLagBytes   *float64     `json:"sent_lag_bytes"`
	WriteLagBytes  *float64     `json:"write_lag_bytes"`
	FlushLagBytes  *float64     `json:"flush_lag_bytes"`
	ReplayLagBytes *float64     `json:"replay_lag_bytes"`
	// Time lags as the server measures them; empty when the standby has caught up and
	// nothing was written for a while.
	WriteLagSec     *float64 `json:"write_lag_sec"`
	FlushLagSec     *float64 `json:"flush_lag_sec"`
	ReplayLagSec    *float64 `json:"replay_lag_sec"`
	ReplyAgeSec     *float64 `json:"reply_age_sec"`
	ConnectedSec    *float64 `json:"connected_sec"`
	FeedbackXminAge *int64   `json:"feedback_xmin_age"` // hot_standby_feedback without a slot
}

// Receiver is a standby's view of its own replication.
type Receiver struct {
	ReceiveLSN     *checks.Text `json:"receive_lsn"`
	ReplayLSN      *checks.Text `json:"replay_lsn"`
	ReplayLagBytes *float64     `json:"replay_lag_bytes"` // received but not yet replayed
	// Time since the last replayed transaction committed on the primary. It also grows
	// when the primary writes nothing, so it only means lag while bytes are pending.
	LastReplayAgeSec   *float64     `json:"last_replay_age_sec"`
	PauseState         checks.Text  `json:"pause_state"`
	Status             *checks.Text `json:"status"` // nil: no WAL receiver running
	Slot               *checks.Name `json:"slot"`
	LastMessageAgeSec  *float64     `json:"last_message_age_sec"`
	HasPrimaryConninfo bool         `json:"has_primary_conninfo"`
	// SenderHost and SenderPort are the upstream the WAL receiver is connected to, as
	// the receiver resolved it (nil when no receiver is connected). The topology uses
	// them to tell which node of the report this standby streams from.
	SenderHost *checks.Host `json:"sender_host"`
	SenderPort *int         `json:"sender_port"`
	// UpstreamAheadBytes is how far the upstream's WAL was ahead of what this standby
	// had flushed, as of the upstream's last message: the standby's own view of its
	// receive lag. LatestEndAgeSec is how long ago that upstream position last advanced.
	UpstreamAheadBytes *float64 `json:"upstream_ahead_bytes"`
	LatestEndAgeSec    *float64 `json:"latest_end_age_sec"`
}

// Data is what C002 reports.
type Data struct {
	InRecovery    bool                   `json:"in_recovery"`
	Standbys      []Standby              `json:"standbys"`
	Receiver      *Receiver              `json:"receiver"` // standbys only
	Settings      []pgsettings.Converted `json:"settings"`
	ApplyDelaySec float64                `json:"apply_delay_sec"` // recovery_min_apply_delay
	// -1 means replay waits forever for conflicting queries.
	StreamingDelaySec float64     `json:"streaming_delay_sec"`
	ArchiveDelaySec   float64     `json:"archive_delay_sec"`
	SyncStandbyNames  checks.Text `json:"sync_standby_names"`
	SyncCommit        checks.Text `json:"sync_commit"`
	// ClusterName is cluster_name: the WAL receiver's application_name when
	// primary_conninfo sets none, so the upstream may list this standby under it.
	ClusterName checks.Text `json:"cluster_name"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{InRecovery: t.Node.InRecovery, Standbys: []Standby{}, Settings: []pgsettings.Converted{}}
	rows, err := t.DB.Query(ctx, querySenders)
	if err != nil {
		return nil, fmt.Errorf("read pg_stat_replication: %w", err)
	}
	for rows.Next() {
		var s Standby
		if err := rows.Scan(&s.PID, &s.Application, &s.State, &s.SyncState, &s.SyncPriority, &s.Slot,
			&s.SentLagBytes, &s.WriteLagBytes, &s.FlushLagBytes, &s.ReplayLagBytes, &s.WriteLagSec, &s.FlushLagSec,
			&s.ReplayLagSec, &s.ReplyAgeSec, &s.ConnectedSec, &s.FeedbackXminAge); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read pg_stat_replication: %w", err)
		}
		d.Standbys = append(d.Standbys, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_stat_replication: %w", err)
	}
	if t.Node.InRecovery {
		q, _ := checks.Pick(c.Queries(), "c002_receiver.sql", t.Node.VersionNum)
		var r Receiver
		if err := t.DB.QueryRow(ctx, q).Scan(&r.ReceiveLSN, &r.ReplayLSN, &r.ReplayLagBytes, &r.LastReplayAgeSec,
			&r.PauseState, &r.Status, &r.Slot, &r.LastMessageAgeSec, &r.HasPrimaryConninfo,
			&r.SenderHost, &r.SenderPort, &r.UpstreamAheadBytes, &r.LatestEndAgeSec); err != nil {
			return nil, fmt.Errorf("read WAL receiver: %w", err)
		}
		d.Receiver = &r
	}
	list, err := pgsettings.ReadConverted(ctx, t.DB, querySettings, settingNames)
	if err != nil {
		return nil, err
	}
	d.Settings = list
	set := pgsettings.NewIndex(list)
	d.ApplyDelaySec, _ = set["recovery_min_apply_delay"].Seconds()
	d.StreamingDelaySec, _ = set["max_standby_streaming_delay"].Seconds()
	d.ArchiveDelaySec, _ = set["max_standby_archive_delay"].Seconds()
	d.SyncStandbyNames = set["synchronous_standby_names"].Value
	d.SyncCommit = set["synchronous_commit"].Value
	d.ClusterName = set["cluster_name"].Value
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}
