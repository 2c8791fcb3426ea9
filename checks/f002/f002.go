// Package f002 reports how close each database, and the oldest tables of the connected
// database, are to transaction ID and multixact ID wraparound.
package f002

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed f002_databases.sql
	queryDatabases string
	//go:embed f002_ages.sql
	queryAges string
	//go:embed f002_tables.sql
	queryTables string
)

// Limit is the distance at which IDs wrap around: 2^31. The server refuses new IDs
// some millions before it.
const Limit = 1 << 31

// Check is F002.
type Check struct{ cfg Config }

// Config holds F002's thresholds.
type Config struct {
	// WraparoundPercent: a database whose XID or multixact age exceeds this percent of
	// 2^31 is P1.
	WraparoundPercent float64 `toml:"wraparound_percent"`
	// OverduePercent: a table (or another database) whose age exceeds this percent of its
	// effective autovacuum_(multixact_)freeze_max_age is P2.
	OverduePercent float64 `toml:"overdue_percent"`
	// TopN: how many of the oldest tables (by XID age and by multixact age) to list.
	TopN int `toml:"top_n"`
}

// New returns F002 with its defaults.
func New() *Check { return &Check{cfg: Config{WraparoundPercent: 50, OverduePercent: 100, TopN: 10}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	// Replicated: the ages are of catalog rows and of the next transaction ID, which a
	// standby replays; its node-local inputs (last vacuums, running vacuums, the freeze
	// max age settings) belong to the primary, where vacuum runs.
	return checks.Meta{ID: "F002", Title: "Transaction ID and multixact wraparound", Scope: checks.Database,
		Replicated: true, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "f002_databases.sql", SQL: queryDatabases}, {Name: "f002_ages.sql", SQL: queryAges},
		{Name: "f002_tables.sql", SQL: queryTables}}
}

// Database is one database's age.
type Database struct {
	Name        checks.Name `json:"name"`
	AllowConn   bool        `json:"allow_conn"`
	Current     bool        `json:"current"`
	XIDAge      int64       `json:"xid_age"`
	MXIDAge     int64       `json:"mxid_age"`
	XIDPercent  float64     `json:"xid_percent"`  // of 2^31
	MXIDPercent float64     `json:"mxid_percent"` // of 2^31
}

// Table is one of the oldest tables (or TOAST tables, named by their owner) of the
// connected database.
type Table struct {
	Schema  checks.Name `json:"schema"`
	Name    checks.Name `json:"name"`
	Toast   checks.Name `json:"toast"` // the TOAST table's name when the row is one
	XIDAge  int64       `json:"xid_age"`
	MXIDAge int64       `json:"mxid_age"`
	// Effective autovacuum_(multixact_)freeze_max_age: the smaller of the setting and
	// the table's own storage parameter.
	FreezeMaxAge     int64   `json:"freeze_max_age"`
	MXIDFreezeMaxAge int64   `json:"mxid_freeze_max_age"`
	XIDPercent       float64 `json:"xid_percent"`  // of 2^31
	MXIDPercent      float64 `json:"mxid_percent"` // of 2^31
	// SizeBytes is nil when another session holds or awaits an ACCESS EXCLUSIVE lock on
	// the relation (Locked): pgcheckup never waits for locks. The ages come from the
	// catalog and are always read.
	SizeBytes        *int64   `json:"size_bytes"`
	Locked           bool     `json:"locked"`
	LastVacuumAgeSec *float64 `json:"last_vacuum_age_sec"` // nil: no vacuum since the statistics reset
	VacuumRunning    bool     `json:"vacuum_running"`
}

// Data is what F002 reports.
type Data struct {
	Database         checks.Name `json:"database"`
	Limit            int64       `json:"limit"`
	FreezeMaxAge     int64       `json:"freeze_max_age"`
	MXIDFreezeMaxAge int64       `json:"mxid_freeze_max_age"`
	FailsafeAge      *int64      `json:"failsafe_age"` // 14+
	MXIDFailsafeAge  *int64      `json:"mxid_failsafe_age"`
	Databases        []Database  `json:"databases"`
	Tables           []Table     `json:"tables"`
	TopN             int         `json:"top_n"`
	// Relations is how many tables, materialized views and TOAST tables were read;
	// XIDOverdue and MXIDOverdue count those of them past overdue_percent of their
	// effective freeze max age, listed or not.
	Relations   int `json:"relations"`
	XIDOverdue  int `json:"xid_overdue"`
	MXIDOverdue int `json:"mxid_overdue"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Database: checks.Name(t.Node.Database), Limit: Limit, TopN: c.cfg.TopN, Databases: []Database{}, Tables: []Table{}}
	rows, err := t.DB.Query(ctx, queryDatabases)
	if err != nil {
		return nil, fmt.Errorf("read database ages: %w", err)
	}
	for rows.Next() {
		var db Database
		if err := rows.Scan(&db.Name, &db.AllowConn, &db.Current, &db.XIDAge, &db.MXIDAge,
			&d.FreezeMaxAge, &d.MXIDFreezeMaxAge, &d.FailsafeAge, &d.MXIDFailsafeAge); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read database ages: %w", err)
		}
		d.Databases = append(d.Databases, db)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read database ages: %w", err)
	}
	all, err := readAges(ctx, t.DB, d)
	if err != nil {
		return nil, err
	}
	d.Relations = len(all)
	d.XIDOverdue, d.MXIDOverdue = countOverdue(all, c.cfg)
	if d.Tables, err = readTables(ctx, t.DB, oldest(all, c.cfg.TopN)); err != nil {
		return nil, err
	}
	fill(&d)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// effective is what autovacuum uses: a table's storage parameter can only lower the
// setting (a negative parameter means "use the setting").
func effective(setting int64, option *int64) int64 {
	if option != nil && *option >= 0 && *option < setting {
		return *option
	}
	return setting
}

func fill(d *Data) {
	for i := range d.Databases {
		db := &d.Databases[i]
		db.XIDPercent, db.MXIDPercent = pct(db.XIDAge, Limit), pct(db.MXIDAge, Limit)
	}
	for i := range d.Tables {
		tb := &d.Tables[i]
		tb.XIDPercent, tb.MXIDPercent = pct(tb.XIDAge, Limit), pct(tb.MXIDAge, Limit)
	}
}

func pct(a, b int64) float64 {
	if b <= 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}
