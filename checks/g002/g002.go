// Package g002 reports connections and activity as aggregates: sessions by state,
// database, user and application, max_connections used, sessions idle in transaction,
// the oldest transaction and query, and prepared transactions. No query text, no client
// addresses.
package g002

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed g002_summary.sql
	querySummary string
	//go:embed g002_groups.sql
	queryGroups string
	//go:embed g002_oldest.sql
	queryOldest string
	//go:embed g002_prepared.sql
	queryPrepared string
)

// Check is G002.
type Check struct{ cfg Config }

// Config holds G002's thresholds. Ages are in seconds.
type Config struct {
	ConnectionsP2Percent float64 `toml:"connections_p2_percent"` // of the connections available to ordinary roles
	ConnectionsP1Percent float64 `toml:"connections_p1_percent"`
	IdleInTransactionP3  float64 `toml:"idle_in_transaction_p3_seconds"`
	IdleInTransactionP2  float64 `toml:"idle_in_transaction_p2_seconds"`
	LongTransactionP3    float64 `toml:"long_transaction_p3_seconds"`
	LongTransactionP2    float64 `toml:"long_transaction_p2_seconds"`
	LongQueryP3          float64 `toml:"long_query_p3_seconds"`
	PreparedP2           float64 `toml:"prepared_transaction_p2_seconds"`
	TopN                 int     `toml:"top_n"` // groups per dimension, prepared transactions listed
}

// New returns G002 with its defaults.
func New() *Check {
	return &Check{cfg: Config{ConnectionsP2Percent: 80, ConnectionsP1Percent: 95, IdleInTransactionP3: 60, IdleInTransactionP2: 3600,
		LongTransactionP3: 3600, LongTransactionP2: 86400, LongQueryP3: 3600, PreparedP2: 300, TopN: 10}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "G002", Title: "Connections and activity", Scope: checks.Cluster, Doc: doc,
		// Without pg_read_all_stats other roles' sessions show no state or times.
		Requires: []checks.Requirement{checks.NeedPGMonitor}}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "g002_summary.sql", SQL: querySummary}, {Name: "g002_groups.sql", SQL: queryGroups},
		{Name: "g002_oldest.sql", SQL: queryOldest}, {Name: "g002_prepared.sql", SQL: queryPrepared}}
}

// Count is a number of sessions for one value of a dimension.
type Count struct {
	Key      checks.Name `json:"key"` // a database, user or application name
	Sessions int64       `json:"sessions"`
}

// StateCount is a number of sessions in one state.
type StateCount struct {
	State    checks.Text `json:"state"` // empty: not visible to this role
	Sessions int64       `json:"sessions"`
}

// Session identifies one session, without its query or address.
type Session struct {
	Kind        checks.Label `json:"kind"` // idle_in_transaction, transaction or query
	PID         int          `json:"pid"`
	User        checks.Name  `json:"user"`
	Application checks.Name  `json:"application"`
	Database    checks.Name  `json:"database"`
	State       checks.Text  `json:"state"`
	AgeSec      float64      `json:"age_sec"`      // in that state / of the transaction / of the query
	XactAgeSec  *float64     `json:"xact_age_sec"` // of its transaction
}

// Prepared is one prepared transaction.
type Prepared struct {
	GID      checks.Name `json:"gid"`
	Owner    checks.Name `json:"owner"`
	Database checks.Name `json:"database"`
	XIDAge   int64       `json:"xid_age"`
	AgeSec   float64     `json:"age_sec"`
}

// Data is what G002 reports. Our own session is not counted.
type Data struct {
	MaxConnections           int         `json:"max_connections"`
	SuperuserReserved        int         `json:"superuser_reserved_connections"`
	Reserved                 int         `json:"reserved_connections"` // 16+
	Available                int         `json:"available"`            // for ordinary roles
	IdleInTransactionTimeout checks.Text `json:"idle_in_transaction_session_timeout"`
	MaxPreparedTransactions  int         `json:"max_prepared_transactions"`
	Sessions                 int64       `json:"sessions"` // client backends
	UsedPercent              float64     `json:"used_percent"`
	NotVisible               int64       `json:"not_visible"` // sessions whose state this role cannot see
	IdleInTxShort            int64       `json:"idle_in_transaction_p3"`
	IdleInTxLong             int64       `json:"idle_in_transaction_p2"`
	WaitingOnLocks           int64       `json:"waiting_on_locks"`

	ByState       []StateCount `json:"by_state"`
	ByDatabase    []Count      `json:"by_database"`
	ByUser        []Count      `json:"by_user"`
	ByApplication []Count      `json:"by_application"`
	// Distinct values per dimension; only the top_n are listed.
	Groups map[checks.Label]int64 `json:"groups"`

	Oldest   []Session  `json:"oldest"`
	Prepared []Prepared `json:"prepared"` // the oldest top_n
	// PreparedOld counts every prepared transaction older than
	// prepared_transaction_p2_seconds, listed or not.
	PreparedOld int `json:"prepared_old"`

	IdleP3Seconds float64 `json:"idle_p3_seconds"`
	IdleP2Seconds float64 `json:"idle_p2_seconds"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{ByState: []StateCount{}, ByDatabase: []Count{}, ByUser: []Count{}, ByApplication: []Count{},
		Groups: map[checks.Label]int64{}, Oldest: []Session{}, Prepared: []Prepared{},
		IdleP3Seconds: c.cfg.IdleInTransactionP3, IdleP2Seconds: c.cfg.IdleInTransactionP2}
	if err := t.DB.QueryRow(ctx, querySummary, c.cfg.IdleInTransactionP3, c.cfg.IdleInTransactionP2).Scan(
		&d.MaxConnections, &d.SuperuserReserved, &d.Reserved, &d.IdleInTransactionTimeout, &d.MaxPreparedTransactions,
		&d.Sessions, &d.NotVisible, &d.IdleInTxShort, &d.IdleInTxLong, &d.WaitingOnLocks); err != nil {
		return nil, fmt.Errorf("read activity summary: %w", err)
	}
	if err := readGroups(ctx, t.DB, c.cfg.TopN, &d); err != nil {
		return nil, err
	}
	if err := readOldest(ctx, t.DB, &d); err != nil {
		return nil, err
	}
	if err := readPrepared(ctx, t.DB, c.cfg.TopN, c.cfg.PreparedP2, &d); err != nil {
		return nil, err
	}
	d.Available = d.MaxConnections - d.SuperuserReserved - d.Reserved
	if d.Available > 0 {
		d.UsedPercent = 100 * float64(d.Sessions) / float64(d.Available)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func readGroups(ctx context.Context, db checks.Querier, topN int, d *Data) error {
	rows, err := db.Query(ctx, queryGroups, topN)
	if err != nil {
		return fmt.Errorf("read sessions by group: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dim string
		var key *string
		var n, groups int64
		if err := rows.Scan(&dim, &key, &n, &groups); err != nil {
			return fmt.Errorf("read sessions by group: %w", err)
		}
		k := ""
		if key != nil {
			k = *key
		}
		d.Groups[checks.Label(dim)] = groups
		switch dim {
		case "state":
			d.ByState = append(d.ByState, StateCount{State: checks.Text(k), Sessions: n})
		case "database":
			d.ByDatabase = append(d.ByDatabase, Count{Key: checks.Name(k), Sessions: n})
		case "user":
			d.ByUser = append(d.ByUser, Count{Key: checks.Name(k), Sessions: n})
		default:
			d.ByApplication = append(d.ByApplication, Count{Key: checks.Name(k), Sessions: n})
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sessions by group: %w", err)
	}
	return nil
}

func readOldest(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, queryOldest)
	if err != nil {
		return fmt.Errorf("read oldest sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Session
		var user, app, dbname, state *string
		var age *float64
		if err := rows.Scan(&s.Kind, &s.PID, &user, &app, &dbname, &state, &age, &s.XactAgeSec); err != nil {
			return fmt.Errorf("read oldest sessions: %w", err)
		}
		s.User, s.Application, s.Database, s.State = checks.Name(deref(user)), checks.Name(deref(app)), checks.Name(deref(dbname)), checks.Text(deref(state))
		if age != nil {
			s.AgeSec = *age
		}
		d.Oldest = append(d.Oldest, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read oldest sessions: %w", err)
	}
	return nil
}

func readPrepared(ctx context.Context, db checks.Querier, topN int, olderThan float64, d *Data) error {
	rows, err := db.Query(ctx, queryPrepared, topN, olderThan)
	if err != nil {
		return fmt.Errorf("read prepared transactions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p Prepared
		if err := rows.Scan(&p.GID, &p.Owner, &p.Database, &p.XIDAge, &p.AgeSec, &d.PreparedOld); err != nil {
			return fmt.Errorf("read prepared transactions: %w", err)
		}
		d.Prepared = append(d.Prepared, p)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read prepared transactions: %w", err)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
