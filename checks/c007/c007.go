// Package c007 reports replication slots (what they retain and whether they are lost)
// and the xmin horizon: which backend, prepared transaction, slot or standby holds the
// oldest transaction ID that vacuum must respect, and how old it is.
package c007

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var (
	//go:embed c007_slots.sql
	querySlots12 string
	//go:embed c007_slots_pg13.sql
	querySlots13 string
	//go:embed c007_slots_pg17.sql
	querySlots17 string
	//go:embed c007_holders.sql
	queryHolders string

	querySettings = pgsettings.SQL("C007")
	settingNames  = []string{"autovacuum_freeze_max_age", "max_slot_wal_keep_size", "wal_keep_size", "wal_keep_segments",
		"max_replication_slots", "hot_standby_feedback", "idle_in_transaction_session_timeout"}
)

const (
	v13 = 130000
	v17 = 170000
)

// severities maps the query's severity numbers (0 none, 1 P3, 2 P2, 3 P1).
var severities = map[int]checks.Severity{0: checks.Info, 1: checks.P3, 2: checks.P2, 3: checks.P1}

// Check is C007.
type Check struct{ cfg Config }

// Config holds C007's thresholds.
type Config struct {
	// An inactive slot retaining more than InactiveSlotWALMB MiB of WAL is P1 (below
	// it, P3); an active one retaining more than ActiveSlotWALMB MiB is P2.
	InactiveSlotWALMB float64 `toml:"inactive_slot_wal_mb"`
	ActiveSlotWALMB   float64 `toml:"active_slot_wal_mb"`
	// An xmin holder is P3 from XminAgeP3 transactions or XminSecondsP3 seconds, P2 from
	// XminAgeP2 or XminSecondsP2, and P1 beyond FreezeMaxPercent of
	// autovacuum_freeze_max_age (vacuum can then no longer prevent wraparound).
	XminAgeP3        int64   `toml:"xmin_age_p3"`
	XminAgeP2        int64   `toml:"xmin_age_p2"`
	XminSecondsP3    float64 `toml:"xmin_seconds_p3"`
	XminSecondsP2    float64 `toml:"xmin_seconds_p2"`
	FreezeMaxPercent float64 `toml:"freeze_max_percent"`
	TopN             int     `toml:"top_n"` // xmin holders listed
}

// New returns C007 with its defaults.
func New() *Check {
	return &Check{cfg: Config{InactiveSlotWALMB: 1024, ActiveSlotWALMB: 10240, XminAgeP3: 1_000_000, XminAgeP2: 10_000_000,
		XminSecondsP3: 3600, XminSecondsP2: 86400, FreezeMaxPercent: 100, TopN: 20}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "C007", Title: "Replication slots and the xmin horizon", Scope: checks.Cluster, Doc: doc,
		// Other roles' transaction start times and standby positions need pg_read_all_stats.
		Requires: []checks.Requirement{checks.NeedPGMonitor}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "c007_slots.sql", MaxVersion: v13, SQL: querySlots12},
		{Name: "c007_slots.sql", MinVersion: v13, MaxVersion: v17, SQL: querySlots13},
		{Name: "c007_slots.sql", MinVersion: v17, SQL: querySlots17},
		{Name: "c007_holders.sql", SQL: queryHolders},
		{Name: "settings.sql", SQL: querySettings},
	}
}

// Slot is one replication slot.
type Slot struct {
	Name           checks.Name  `json:"name"`
	Type           checks.Text  `json:"type"`
	Plugin         *checks.Name `json:"plugin"`
	Database       *checks.Name `json:"database"`
	Temporary      bool         `json:"temporary"`
	Active         bool         `json:"active"`
	ActivePID      *int         `json:"active_pid"`
	Standby        *checks.Name `json:"standby"` // application_name of the WAL sender using it
	XminAge        *int64       `json:"xmin_age"`
	CatalogXminAge *int64       `json:"catalog_xmin_age"`
	RestartLSN     *checks.Text `json:"restart_lsn"`
	// WAL from restart_lsn to the current position (the last received one on a standby).
	RetainedBytes      *float64     `json:"retained_bytes"`
	WALStatus          *checks.Text `json:"wal_status"`    // 13+
	SafeWALSize        *int64       `json:"safe_wal_size"` // 13+, nil when unlimited
	InactiveSec        *float64     `json:"inactive_sec"`  // 17+
	InvalidationReason *checks.Text `json:"invalidation_reason"`
}

// Holder is something that holds back the xmin horizon.
type Holder struct {
	// backend, prepared, slot (xmin), slot_catalog (catalog_xmin: system catalogs only)
	// or standby (hot_standby_feedback without a slot).
	Kind checks.Label `json:"kind"`
	PID  *int         `json:"pid"`
	// The application of a backend or standby, the GID of a prepared transaction, the
	// name of a slot.
	Name     checks.Name  `json:"name"`
	Owner    *checks.Name `json:"owner"` // user
	Database *checks.Name `json:"database"`
	State    checks.Text  `json:"state"`
	Detail   checks.Text  `json:"detail"` // backend type or slot type
	XminAge  int64        `json:"xmin_age"`
	AgeSec   *float64     `json:"age_sec"` // of the transaction, when known
}

// HolderGroup counts the holders beyond top_n of one kind and severity.
type HolderGroup struct {
	Kind     checks.Label    `json:"kind"`
	Severity checks.Severity `json:"severity"`
	Count    int             `json:"count"`
	MaxAge   int64           `json:"max_xmin_age"` // the oldest of them
}

// Data is what C007 reports.
type Data struct {
	InRecovery bool     `json:"in_recovery"`
	Slots      []Slot   `json:"slots"`
	Holders    []Holder `json:"holders"` // oldest first, top_n
	// Unlisted are the holders beyond top_n that would be findings, counted by the
	// same rule on the server.
	Unlisted     []HolderGroup          `json:"unlisted_holders"`
	FreezeMaxAge int64                  `json:"freeze_max_age"`
	Settings     []pgsettings.Converted `json:"settings"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{InRecovery: t.Node.InRecovery, Slots: []Slot{}, Holders: []Holder{}, Unlisted: []HolderGroup{}, Settings: []pgsettings.Converted{}}
	q, _ := checks.Pick(c.Queries(), "c007_slots.sql", t.Node.VersionNum)
	rows, err := t.DB.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read replication slots: %w", err)
	}
	for rows.Next() {
		var s Slot
		if err := rows.Scan(&s.Name, &s.Type, &s.Plugin, &s.Database, &s.Temporary, &s.Active, &s.ActivePID, &s.Standby,
			&s.XminAge, &s.CatalogXminAge, &s.RestartLSN, &s.RetainedBytes, &s.WALStatus, &s.SafeWALSize,
			&s.InactiveSec, &s.InvalidationReason); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read replication slots: %w", err)
		}
		d.Slots = append(d.Slots, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read replication slots: %w", err)
	}
	cfg := c.cfg
	rows, err = t.DB.Query(ctx, queryHolders, cfg.TopN, cfg.XminAgeP2, cfg.XminAgeP3, cfg.XminSecondsP2, cfg.XminSecondsP3,
		cfg.FreezeMaxPercent)
	if err != nil {
		return nil, fmt.Errorf("read xmin holders: %w", err)
	}
	for rows.Next() {
		var h Holder
		var listed bool
		var sev int
		var n int
		if err := rows.Scan(&listed, &h.Kind, &h.PID, &h.Name, &h.Owner, &h.Database, &h.State, &h.Detail, &h.XminAge, &h.AgeSec,
			&sev, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read xmin holders: %w", err)
		}
		if listed {
			d.Holders = append(d.Holders, h)
		} else {
			d.Unlisted = append(d.Unlisted, HolderGroup{Kind: h.Kind, Severity: severities[sev], Count: n, MaxAge: h.XminAge})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read xmin holders: %w", err)
	}
	list, err := pgsettings.ReadConverted(ctx, t.DB, querySettings, settingNames)
	if err != nil {
		return nil, err
	}
	d.Settings = list
	if v, ok := pgsettings.NewIndex(list).Float("autovacuum_freeze_max_age"); ok {
		d.FreezeMaxAge = int64(v)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}
