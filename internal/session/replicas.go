package session

import (
	"context"
	"fmt"
	"strings"
)

// ReplicasQuery lists the physical standbys streaming from the node, for --discover:
// where each connects from and the name it gives. Logical walsenders (subscribers of
// another cluster) are left out. client_addr needs pg_read_all_stats (pg_monitor).
const ReplicasQuery = `/* pgcheckup node */
SELECT COALESCE(r.application_name, ''), COALESCE(r.client_addr::text, ''),
       COALESCE(r.client_hostname, '')
FROM pg_catalog.pg_stat_replication r
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_replication_slots s
                  WHERE s.active_pid = r.pid AND s.slot_type = 'logical')
ORDER BY r.application_name, r.client_addr`

// Replica is one row of ReplicasQuery.
type Replica struct {
	Name     string // application_name
	Addr     string // client_addr; empty over a Unix socket or without the privilege
	Hostname string // client_hostname, set when the server logs host names
}

// Replicas lists the standbys streaming from the node (ReplicasQuery).
func (s *Session) Replicas(ctx context.Context) ([]Replica, error) {
	rows, err := s.Query(ctx, ReplicasQuery)
	if err != nil {
		return nil, fmt.Errorf("list standbys: %w", err)
	}
	defer rows.Close()
	var out []Replica
	for rows.Next() {
		var r Replica
		if err := rows.Scan(&r.Name, &r.Addr, &r.Hostname); err != nil {
			return nil, fmt.Errorf("list standbys: %w", err)
		}
		r.Addr, _, _ = strings.Cut(r.Addr, "/") // inet as text carries its mask (/32)
		out = append(out, r)
	}
	return out, rows.Err()
}
