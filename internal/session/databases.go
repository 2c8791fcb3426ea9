package session

import (
	"context"
	"fmt"
)

// DatabasesQuery lists the databases of the cluster that database-scoped checks may run
// in: every one but the templates, with whether it accepts connections at all and
// whether the session's role may connect. `pgcheckup sql` lists it.
const DatabasesQuery = `/* pgcheckup node */
SELECT d.datname, d.datallowconn,
       pg_catalog.has_database_privilege(d.oid, 'CONNECT')
FROM pg_catalog.pg_database d
WHERE NOT d.datistemplate
ORDER BY d.datname`

// DatabaseEntry is one row of DatabasesQuery.
type DatabaseEntry struct {
	Name      string
	AllowConn bool // datallowconn
	Connect   bool // the role has CONNECT
}

// Databases lists the cluster's databases (DatabasesQuery).
func (s *Session) Databases(ctx context.Context) ([]DatabaseEntry, error) {
	rows, err := s.Query(ctx, DatabasesQuery)
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	defer rows.Close()
	var out []DatabaseEntry
	for rows.Next() {
		var d DatabaseEntry
		if err := rows.Scan(&d.Name, &d.AllowConn, &d.Connect); err != nil {
			return nil, fmt.Errorf("list databases: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
