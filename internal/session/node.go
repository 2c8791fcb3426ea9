package session

import (
	"context"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

// NodeQuery identifies the server behind a session. It is the only statement the tool
// sends outside the checks, and `pgcheckup sql` lists it.
const NodeQuery = `/* pgcheckup node */
SELECT pg_catalog.current_setting('server_version'),
       pg_catalog.current_setting('server_version_num')::int,
       pg_catalog.pg_is_in_recovery(),
       pg_catalog.current_database(),
       current_user,
       r.rolsuper,
       r.rolsuper OR pg_catalog.pg_has_role(current_user, 'pg_monitor', 'member'),
       r.rolsuper OR pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'member')
FROM pg_catalog.pg_roles r
WHERE r.rolname = current_user`

// Identify reads what the runner needs to know about the node.
func (s *Session) Identify(ctx context.Context, name string) (checks.Node, error) {
	n := checks.Node{Name: name, Host: Describe(s.conn.Config())}
	err := s.QueryRow(ctx, NodeQuery).Scan(&n.Version, &n.VersionNum, &n.InRecovery,
		&n.Database, &n.User, &n.Superuser, &n.PGMonitor, &n.PGReadAllData)
	if err != nil {
		return n, fmt.Errorf("identify %s: %w", n.Host, err)
	}
	n.Role = "primary"
	if n.InRecovery {
		n.Role = "standby"
	}
	return n, nil
}
