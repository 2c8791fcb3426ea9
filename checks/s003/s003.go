// Package s003 reviews who may connect from where and how: the pg_hba.conf rules
// (trust, cleartext password and ident methods, rules open to every address, lines
// with errors), whether the server offers SSL, and the sessions connected from other
// machines without it.
package s003

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed s003_server.sql
	serverSQL string
	//go:embed s003_hba.sql
	hbaSQL string
	//go:embed s003_sessions.sql
	sessionsSQL string
)

// Check is S003.
type Check struct{ cfg Config }

// Config holds S003's limits.
type Config struct {
	// TopNRules: at most this many flagged pg_hba.conf lines are listed.
	TopNRules int `toml:"top_n_rules"`
	// TopNSessions: at most this many groups (role, database, address) of sessions
	// without SSL are listed.
	TopNSessions int `toml:"top_n_sessions"`
}

// New returns S003 with its defaults.
func New() *Check { return &Check{cfg: Config{TopNRules: 200, TopNSessions: 50}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "S003", Title: "Client access: pg_hba.conf, SSL and unencrypted sessions", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "s003_server.sql", SQL: serverSQL}, {Name: "s003_hba.sql", SQL: hbaSQL},
		{Name: "s003_sessions.sql", SQL: sessionsSQL}}
}

// Rule is one pg_hba.conf line S003 looked at: a method, an address or an error worth
// a look. Its options are never read (they can hold an LDAP or RADIUS secret).
type Rule struct {
	Line int          `json:"line"`
	Type checks.Label `json:"type"` // local, host, hostssl, hostnossl, hostgssenc, hostnogssenc
	// Databases and Users as written, keywords (all, sameuser, replication, ...) apart.
	Databases        []checks.Name  `json:"databases"`
	DatabaseKeywords []checks.Label `json:"database_keywords"`
	Users            []checks.Name  `json:"users"`
	UserKeywords     []checks.Label `json:"user_keywords"`
	// Address is an IP address or a host name; AddressKeyword all, samehost or samenet.
	Address        checks.Name  `json:"address,omitempty"`
	Netmask        checks.Name  `json:"netmask,omitempty"`
	AddressKeyword checks.Label `json:"address_keyword,omitempty"`
	Method         checks.Label `json:"method,omitempty"`
	Error          checks.Text  `json:"error,omitempty"`
	// Reach is what S003 made of the address: local (a Unix socket or loopback only),
	// any (every address), or network.
	Reach checks.Label `json:"reach"`
}

// Reaches.
const (
	ReachLocal   checks.Label = "local"
	ReachAny     checks.Label = "any"
	ReachNetwork checks.Label = "network"
)

// SessionGroup is a number of sessions of one role in one database from one address
// that use no SSL.
type SessionGroup struct {
	User        checks.Name  `json:"user"`
	Database    checks.Name  `json:"database"`
	Address     checks.Name  `json:"address"`
	BackendType checks.Label `json:"backend_type"`
	Sessions    int64        `json:"sessions"`
}

// Data is what S003 reports.
type Data struct {
	Role            checks.Name `json:"role"` // the role pgcheckup ran as, for the GRANT hints
	SSL             bool        `json:"ssl"`
	ListenAddresses checks.Text `json:"listen_addresses"`
	// ListensOnNetwork: listen_addresses names more than loopback.
	ListensOnNetwork bool `json:"listens_on_network"`

	// HBAReadable: the role may read pg_hba_file_rules. When false, Rules is empty and
	// nothing is known about the file.
	HBAReadable bool   `json:"hba_readable"`
	Rules       []Rule `json:"rules"`
	RulesTotal  int    `json:"rules_total"`   // lines in the file
	Flagged     int    `json:"rules_flagged"` // lines of interest, Rules being the first TopNRules

	// Sessions without SSL from addresses other than loopback, most first.
	Sessions       []SessionGroup `json:"sessions"`
	SessionGroups  int            `json:"session_groups"`
	SessionsNoSSL  int64          `json:"sessions_no_ssl"`
	HiddenSessions int64          `json:"hidden_sessions"` // other roles' processes whose address the role cannot see
	SeesAll        bool           `json:"sees_all_sessions"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Role: checks.Name(t.Node.User), Rules: []Rule{}, Sessions: []SessionGroup{}, SeesAll: t.Node.PGReadAllData || t.Node.Superuser}
	var ssl, listen string
	if err := t.DB.QueryRow(ctx, serverSQL).Scan(&ssl, &listen, &d.HBAReadable, &d.HiddenSessions); err != nil {
		return nil, fmt.Errorf("read ssl and listen_addresses: %w", err)
	}
	d.SSL = ssl == "on"
	d.ListenAddresses = checks.Text(listen)
	d.ListensOnNetwork = listensOnNetwork(listen)
	if d.HBAReadable {
		if err := c.readRules(ctx, t.DB, &d); err != nil {
			if !checks.IsPermissionDenied(err) {
				return nil, err
			}
			d.HBAReadable = false // a grant on the view without one on the function, say
		}
	}
	if err := c.readSessions(ctx, t.DB, &d); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

func (c *Check) readRules(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, hbaSQL, max(c.cfg.TopNRules, 1))
	if err != nil {
		return fmt.Errorf("read pg_hba_file_rules: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ *string
		var dbs, users []string
		var addr, mask, method, msg *string
		var line, flagged *int
		if err := rows.Scan(&d.RulesTotal, &flagged, &line, &typ, &dbs, &users, &addr, &mask, &method, &msg); err != nil {
			return fmt.Errorf("read pg_hba_file_rules: %w", err)
		}
		if line == nil { // nothing flagged: the one row carries the total
			continue
		}
		d.Flagged = *flagged
		r := Rule{Line: *line, Type: known(deref(typ), lineTypes), Method: known(deref(method), methods), Error: checks.Text(deref(msg))}
		r.Databases, r.DatabaseKeywords = split(dbs, databaseKeywords)
		r.Users, r.UserKeywords = split(users, userKeywords)
		switch a := deref(addr); a {
		case "all", "samehost", "samenet":
			r.AddressKeyword = checks.Label(a)
		default:
			r.Address, r.Netmask = checks.Name(a), checks.Name(deref(mask))
		}
		r.Reach = reach(deref(typ), deref(addr), deref(mask))
		d.Rules = append(d.Rules, r)
	}
	return rows.Err()
}

func (c *Check) readSessions(ctx context.Context, db checks.Querier, d *Data) error {
	rows, err := db.Query(ctx, sessionsSQL, max(c.cfg.TopNSessions, 1))
	if err != nil {
		return fmt.Errorf("read pg_stat_ssl: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g SessionGroup
		var user, dbname, backend *string
		var addr string
		if err := rows.Scan(&user, &dbname, &addr, &backend, &g.Sessions, &d.SessionGroups, &d.SessionsNoSSL); err != nil {
			return fmt.Errorf("read pg_stat_ssl: %w", err)
		}
		g.User, g.Database, g.Address, g.BackendType = checks.Name(deref(user)), checks.Name(deref(dbname)), checks.Name(hostOnly(addr)), known(deref(backend), backendTypes)
		d.Sessions = append(d.Sessions, g)
	}
	return rows.Err()
}

// hostOnly drops the /32 or /128 that inet::text adds to a single address (host() is
// outside the SQL allowlist).
func hostOnly(a string) string {
	if i := strings.IndexByte(a, '/'); i >= 0 && (a[i+1:] == "32" || a[i+1:] == "128") {
		return a[:i]
	}
	return a
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
