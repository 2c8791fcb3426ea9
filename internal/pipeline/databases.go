package pipeline

import (
	"context"
	"fmt"
	"path"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// DefaultMaxDatabases caps the databases checked on one node when the configuration sets
// no cap: a cluster of thousands of tenant databases gets a report in bounded time, and
// says how many it left out.
const DefaultMaxDatabases = 200

// DatabaseFilter says which databases database-scoped checks run in.
type DatabaseFilter struct {
	// Only lists the databases to check (-d, repeatable); empty: every database that
	// accepts connections.
	Only []string
	// Exclude holds glob patterns (path.Match: * ? [..]) of databases to leave out.
	Exclude []string
	// Max caps the databases checked per node; 0: DefaultMaxDatabases.
	Max int
}

// Validate refuses a malformed exclude pattern before anything connects.
func (f DatabaseFilter) Validate() error {
	for _, p := range f.Exclude {
		if _, err := path.Match(p, ""); err != nil {
			return fmt.Errorf("exclude-db pattern %q: %w", p, err)
		}
	}
	if f.Max < 0 {
		return fmt.Errorf("max_databases is negative")
	}
	return nil
}

func (f DatabaseFilter) excluded(name string) bool {
	for _, p := range f.Exclude {
		if ok, _ := path.Match(p, name); ok {
			return true
		}
	}
	return false
}

// plan decides the databases of one node from the cluster's list: the ones to check,
// the connection's database first, and every database the report names (checked or
// skipped with the reason). Databases excluded by the user are not named; those beyond
// the cap are counted.
func (f DatabaseFilter) plan(list []session.DatabaseEntry, connDB, user string) (check []string, named []report.Database, leftOut int) {
	max := f.Max
	if max == 0 {
		max = DefaultMaxDatabases
	}
	byName := map[string]session.DatabaseEntry{}
	for _, d := range list {
		byName[d.Name] = d
	}
	var order []string
	if len(f.Only) > 0 {
		seen := map[string]bool{}
		for _, n := range f.Only {
			if !seen[n] {
				seen[n] = true
				order = append(order, n)
			}
		}
	} else {
		for _, d := range list {
			order = append(order, d.Name)
		}
	}
	// the connection's database first: the node's first session is already there
	for i, n := range order {
		if n == connDB {
			copy(order[1:i+1], order[:i])
			order[0] = connDB
			break
		}
	}
	for _, n := range order {
		if f.excluded(n) {
			continue
		}
		d, ok := byName[n]
		switch {
		case n == connDB:
			// connected already: whatever the list says, the role may use it
		case !ok:
			named = append(named, report.Database{Name: n, Skipped: "no such database, or it is a template"})
			continue
		case !d.AllowConn:
			named = append(named, report.Database{Name: n, Skipped: "does not accept connections (datallowconn is false)"})
			continue
		case !d.Connect:
			named = append(named, report.Database{Name: n, Skipped: fmt.Sprintf("no CONNECT privilege (GRANT CONNECT ON DATABASE %s TO %s)",
				checks.QuoteIdent(n), checks.QuoteIdent(user))})
			continue
		}
		if len(check) == max {
			leftOut++
			continue
		}
		check = append(check, n)
		named = append(named, report.Database{Name: n})
	}
	return check, named, leftOut
}

// listDatabases plans n's databases from its first session. A role that cannot list
// them (pg_database is readable by all, but a site may revoke it) gets its connection's
// database alone, as before database lists existed.
func (n *nodeConn) listDatabases(ctx context.Context, f DatabaseFilter) {
	connDB := n.info.Database
	list, err := n.s.Databases(ctx)
	if err != nil {
		list = []session.DatabaseEntry{{Name: connDB, AllowConn: true, Connect: true}}
		if len(f.Only) == 0 {
			f.Only = []string{connDB}
		}
	}
	n.dbs, n.named, n.leftOut = f.plan(list, connDB, n.info.User)
}

// forDatabase is a closed connection of n's node to database db, with the node's
// settings; open connects it.
func (n *nodeConn) forDatabase(db string) *nodeConn {
	t := n.target
	t.Conn = n.target.Conn.Copy()
	t.Conn.Database = db
	opts := n.opts
	opts.Catalog = false
	info := n.info
	info.Database = db
	return &nodeConn{target: t, opts: opts, info: info, primary: n.primary}
}

// open connects to the database once, without the retries a dropped connection gets:
// a database that refuses the role (CONNECT revoked since the list was read, pg_hba) is
// skipped, not waited for.
func (n *nodeConn) open(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, n.opts.ConnectTimeout)
	defer cancel()
	s, err := n.reconnect(cctx)
	if err != nil {
		return err
	}
	n.s, n.number = s, 1
	return nil
}
