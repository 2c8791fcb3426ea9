package session

import (
	"context"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

// NodeQuery identifies the server behind a session. It and SystemIDQuery are the only
// statements the tool sends outside the checks, and `pgcheckup sql` lists them.
const NodeQuery = `/* pgcheckup node */
SELECT pg_catalog.current_setting('server_version'),
       pg_catalog.current_setting('server_version_num')::int,
       pg_catalog.pg_is_in_recovery(),
       pg_catalog.current_database(),
       current_user,
       r.rolsuper,
       r.rolsuper OR pg_catalog.pg_has_role(current_user, 'pg_monitor', 'member'),
       r.rolsuper OR pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'member'),
       pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
FROM pg_catalog.pg_roles r
WHERE r.rolname = current_user`

// SystemIDQuery reads the cluster's system identifier, which a primary and its standbys
// share and which stays the same across runs, unlike a host name. Sent only where the
// role may call pg_control_system (everyone may, unless a site revoked it).
const SystemIDQuery = `/* pgcheckup node */
SELECT system_identifier::text FROM pg_catalog.pg_control_system()`

// Identify reads what the runner needs to know about the node.
func (s *Session) Identify(ctx context.Context, name string) (checks.Node, error) {
	n := checks.Node{Name: name, Host: Describe(s.conn.Config())}
	var control bool
	err := s.QueryRow(ctx, NodeQuery).Scan(&n.Version, &n.VersionNum, &n.InRecovery,
		&n.Database, &n.User, &n.Superuser, &n.PGMonitor, &n.PGReadAllData, &control)
	if err != nil {
		return n, fmt.Errorf("identify %s: %w", n.Host, err)
	}
	if control {
		if err := s.QueryRow(ctx, SystemIDQuery).Scan(&n.SystemID); err != nil {
			return n, fmt.Errorf("identify %s: %w", n.Host, err)
		}
	}
	n.Role = "primary"
	if n.InRecovery {
		n.Role = "standby"
	}
	return n, nil
}
