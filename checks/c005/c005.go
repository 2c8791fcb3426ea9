// Package c005 reports logical replication in one database: its publications (and the
// published tables whose UPDATEs and DELETEs fail for want of a replica identity), its
// subscriptions with their workers and errors, and its logical slots.
package c005

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed c005_publications.sql
	queryPublications string
	//go:embed c005_identity.sql
	queryIdentity string
	//go:embed c005_subscriptions.sql
	querySubscriptions12 string
	//go:embed c005_subscriptions_pg14.sql
	querySubscriptions14 string
	//go:embed c005_workers.sql
	queryWorkers12 string
	//go:embed c005_workers_pg16.sql
	queryWorkers16 string
	//go:embed c005_stats.sql
	queryStats15 string
	//go:embed c005_stats_pg18.sql
	queryStats18 string
	//go:embed c005_slots.sql
	querySlots12 string
	//go:embed c005_slots_pg13.sql
	querySlots13 string
)

const (
	v13 = 130000
	v14 = 140000
	v15 = 150000
	v16 = 160000
	v18 = 180000
)

// Check is C005.
type Check struct{ cfg Config }

// Config holds C005's settings.
type Config struct {
	// TopN tables without a replica identity are listed; the rest are counted.
	TopN int `toml:"top_n"`
}

// New returns C005 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 20}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "C005", Title: "Logical replication", Scope: checks.Database, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "c005_publications.sql", SQL: queryPublications},
		{Name: "c005_identity.sql", SQL: queryIdentity},
		{Name: "c005_subscriptions.sql", MaxVersion: v14, SQL: querySubscriptions12},
		{Name: "c005_subscriptions.sql", MinVersion: v14, SQL: querySubscriptions14},
		{Name: "c005_workers.sql", MaxVersion: v16, SQL: queryWorkers12},
		{Name: "c005_workers.sql", MinVersion: v16, SQL: queryWorkers16},
		{Name: "c005_stats.sql", MinVersion: v15, MaxVersion: v18, SQL: queryStats15},
		{Name: "c005_stats.sql", MinVersion: v18, SQL: queryStats18},
		{Name: "c005_slots.sql", MaxVersion: v13, SQL: querySlots12},
		{Name: "c005_slots.sql", MinVersion: v13, SQL: querySlots13},
	}
}

// Publication is one publication of this database.
type Publication struct {
	Name      checks.Name `json:"name"`
	AllTables bool        `json:"all_tables"`
	Insert    bool        `json:"insert"`
	Update    bool        `json:"update"`
	Delete    bool        `json:"delete"`
	Truncate  bool        `json:"truncate"`
	Tables    int64       `json:"tables"`        // published, as the server expands it
	Listed    int64       `json:"listed_tables"` // named in pg_publication_rel
}

// NoIdentity is a published table whose UPDATE or DELETE fails on the publisher.
type NoIdentity struct {
	Schema       checks.Name   `json:"schema"`
	Table        checks.Name   `json:"table"`
	ReplIdent    checks.Text   `json:"replica_identity"` // d (default: primary key), n, i, f
	Publications []checks.Name `json:"publications"`
	Update       bool          `json:"update"`
	Delete       bool          `json:"delete"`
	Rows         float64       `json:"rows"` // reltuples estimate
}

// Subscription is one subscription of this database.
type Subscription struct {
	ID           *uint32      `json:"-"` // nil: unknown (12-13, name also used in another database)
	Name         checks.Name  `json:"name"`
	Enabled      bool         `json:"enabled"`
	Slot         *checks.Name `json:"slot"`
	Publications checks.Text  `json:"publications"`
	Owner        checks.Name  `json:"owner"`
	Tables       int64        `json:"tables"`
	Syncing      int64        `json:"tables_syncing"` // initial copy not done
	// Known is false when the worker state and statistics could not be matched (12-13).
	Known             bool         `json:"known"`
	ApplyPID          *int         `json:"apply_pid"`
	SyncWorkers       int64        `json:"sync_workers"`
	ReceivedLSN       *checks.Text `json:"received_lsn"`
	LastMessageAgeSec *float64     `json:"last_message_age_sec"`
	LatestEndAgeSec   *float64     `json:"latest_end_age_sec"`
	// 15+: errors since the statistics reset; 18+: conflicts.
	ApplyErrors *int64   `json:"apply_errors"`
	SyncErrors  *int64   `json:"sync_errors"`
	Conflicts   *int64   `json:"conflicts"`
	ResetAgeSec *float64 `json:"reset_age_sec"`
}

// Slot is a logical slot of this database.
type Slot struct {
	Name           checks.Name  `json:"name"`
	Plugin         checks.Name  `json:"plugin"`
	Active         bool         `json:"active"`
	ActivePID      *int         `json:"active_pid"`
	WALStatus      *checks.Text `json:"wal_status"`     // 13+
	ConfirmedBytes *float64     `json:"confirmed_lag"`  // WAL not yet confirmed by the consumer
	RetainedBytes  *float64     `json:"retained_bytes"` // WAL kept from restart_lsn
}

// Data is what C005 reports.
type Data struct {
	InRecovery   bool           `json:"in_recovery"`
	WALLevel     checks.Text    `json:"wal_level"`
	Publications []Publication  `json:"publications"`
	NoIdentity   []NoIdentity   `json:"no_identity"` // top_n
	NoIdentityN  int            `json:"no_identity_total"`
	Subs         []Subscription `json:"subscriptions"`
	Slots        []Slot         `json:"slots"`
	// Counted in the other databases of the cluster (listed in their own results).
	OtherSubscriptions int64 `json:"other_subscriptions"`
	OtherSlots         int64 `json:"other_logical_slots"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{InRecovery: t.Node.InRecovery, Publications: []Publication{}, NoIdentity: []NoIdentity{}, Subs: []Subscription{}, Slots: []Slot{}}
	v := t.Node.VersionNum
	if err := readPublications(ctx, t.DB, &d, c.cfg.TopN); err != nil {
		return nil, err
	}
	q, _ := checks.Pick(c.Queries(), "c005_subscriptions.sql", v)
	if err := readSubscriptions(ctx, t.DB, q, &d); err != nil {
		return nil, err
	}
	if err := readWorkers(ctx, t.DB, c.Queries(), v, &d); err != nil {
		return nil, err
	}
	q, _ = checks.Pick(c.Queries(), "c005_slots.sql", v)
	if err := readSlots(ctx, t.DB, q, &d); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func readPublications(ctx context.Context, db checks.Querier, d *Data, topN int) error {
	rows, err := db.Query(ctx, queryPublications)
	if err != nil {
		return fmt.Errorf("read publications: %w", err)
	}
	for rows.Next() {
		var p Publication
		if err := rows.Scan(&p.Name, &p.AllTables, &p.Insert, &p.Update, &p.Delete, &p.Truncate, &p.Tables, &p.Listed, &d.WALLevel); err != nil {
			rows.Close()
			return fmt.Errorf("read publications: %w", err)
		}
		d.Publications = append(d.Publications, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read publications: %w", err)
	}
	if len(d.Publications) == 0 {
		return nil
	}
	rows, err = db.Query(ctx, queryIdentity, topN)
	if err != nil {
		return fmt.Errorf("read replica identities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r NoIdentity
		var total int64
		if err := rows.Scan(&r.Schema, &r.Table, &r.ReplIdent, &r.Publications, &r.Update, &r.Delete, &r.Rows, &total); err != nil {
			return fmt.Errorf("read replica identities: %w", err)
		}
		d.NoIdentity = append(d.NoIdentity, r)
		d.NoIdentityN = int(total)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read replica identities: %w", err)
	}
	return nil
}

func readSubscriptions(ctx context.Context, db checks.Querier, q string, d *Data) error {
	rows, err := db.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("read subscriptions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Subscription
		if err := rows.Scan(&s.ID, &s.Name, &s.Enabled, &s.Slot, &s.Publications, &s.Owner, &s.Tables, &s.Syncing); err != nil {
			return fmt.Errorf("read subscriptions: %w", err)
		}
		s.Known = s.ID != nil
		d.Subs = append(d.Subs, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read subscriptions: %w", err)
	}
	return nil
}

func readWorkers(ctx context.Context, db checks.Querier, qs []checks.Query, v int, d *Data) error {
	var ids []uint32
	at := map[uint32]*Subscription{}
	for i := range d.Subs {
		if id := d.Subs[i].ID; id != nil {
			ids = append(ids, *id)
			at[*id] = &d.Subs[i]
		}
	}
	if len(ids) == 0 {
		return nil
	}
	q, _ := checks.Pick(qs, "c005_workers.sql", v)
	rows, err := db.Query(ctx, q, ids)
	if err != nil {
		return fmt.Errorf("read pg_stat_subscription: %w", err)
	}
	for rows.Next() {
		var id uint32
		var w Subscription
		if err := rows.Scan(&id, &w.ApplyPID, &w.SyncWorkers, &w.ReceivedLSN, &w.LastMessageAgeSec, &w.LatestEndAgeSec); err != nil {
			rows.Close()
			return fmt.Errorf("read pg_stat_subscription: %w", err)
		}
		if s := at[id]; s != nil {
			s.ApplyPID, s.SyncWorkers, s.ReceivedLSN, s.LastMessageAgeSec, s.LatestEndAgeSec = w.ApplyPID, w.SyncWorkers, w.ReceivedLSN, w.LastMessageAgeSec, w.LatestEndAgeSec
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read pg_stat_subscription: %w", err)
	}
	q, ok := checks.Pick(qs, "c005_stats.sql", v)
	if !ok {
		return nil
	}
	rows, err = db.Query(ctx, q, ids)
	if err != nil {
		return fmt.Errorf("read pg_stat_subscription_stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id uint32
		var w Subscription
		if err := rows.Scan(&id, &w.ApplyErrors, &w.SyncErrors, &w.Conflicts, &w.ResetAgeSec); err != nil {
			return fmt.Errorf("read pg_stat_subscription_stats: %w", err)
		}
		if s := at[id]; s != nil {
			s.ApplyErrors, s.SyncErrors, s.Conflicts, s.ResetAgeSec = w.ApplyErrors, w.SyncErrors, w.Conflicts, w.ResetAgeSec
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read pg_stat_subscription_stats: %w", err)
	}
	return nil
}

func readSlots(ctx context.Context, db checks.Querier, q string, d *Data) error {
	rows, err := db.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("read logical slots: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var here bool
		var s Slot
		var name, plugin pgtype.Text
		var subs, slots int64
		if err := rows.Scan(&here, &name, &plugin, &s.Active, &s.ActivePID, &s.WALStatus, &s.ConfirmedBytes, &s.RetainedBytes, &subs, &slots); err != nil {
			return fmt.Errorf("read logical slots: %w", err)
		}
		if !here {
			d.OtherSubscriptions, d.OtherSlots = subs, slots
			continue
		}
		s.Name, s.Plugin = checks.Name(name.String), checks.Name(plugin.String)
		d.Slots = append(d.Slots, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read logical slots: %w", err)
	}
	return nil
}
