package pipeline

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"

	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// Discover makes the run look for standbys beyond the nodes it was given.
type Discover struct {
	Enabled bool
	// Port is the port the discovered standbys listen on; 0: the port of the node they
	// stream from (pg_stat_replication shows where a standby connects from, not where
	// it listens).
	Port int
}

// maxNodes bounds a discovery that would otherwise follow cascades without end.
const maxNodes = 32

// nameRE is what a discovered standby's application_name must look like to name it in
// the report; otherwise it is named by its address.
var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,62}$`)

// discover reads, on every node reached (cascading standbys included, as they are
// found), the standbys streaming from it, and connects to each one not given already,
// with the same credentials. A standby that cannot be reached, or that turns out not to
// be a standby of the same cluster, is listed with the reason and not checked.
func discover(ctx context.Context, cfg Config, live []*nodeConn, nodes []report.Node) ([]*nodeConn, []report.Node) {
	opts := cfg.Session
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = defaultConnectTimeout
	}
	known, names := map[string]bool{}, map[string]bool{}
	for _, n := range nodes {
		known[n.Host], names[n.Name] = true, true
	}
	queue := append([]*nodeConn(nil), live...)
	for len(queue) > 0 && len(nodes) < maxNodes && ctx.Err() == nil {
		src := queue[0]
		queue = queue[1:]
		reps, err := src.s.Replicas(ctx)
		if err != nil {
			cfg.Log.Warn("discover: cannot list standbys", "node", src.info.Name, "error", cfg.Sanitizer.Message(oneLine(err.Error())))
			continue
		}
		for _, r := range reps {
			if len(nodes) >= maxNodes {
				break
			}
			c := candidate(r, src, cfg.Discover.Port)
			if c.addr != "" && known[c.addr] {
				continue
			}
			name := c.addr
			if nameRE.MatchString(r.Name) && !names[r.Name] {
				name = r.Name
			}
			if name == "" {
				name = "standby of " + src.info.Name
			}
			known[c.addr], names[name] = true, true
			var n *nodeConn
			var rn report.Node
			if c.target == nil {
				rn = report.Node{Name: name, Host: "unknown", Error: "discovered on " + src.info.Name + ", with no address: it connects over a Unix socket, or the role lacks pg_read_all_stats"}
			} else {
				c.target.Alias = name
				n, rn = connectOne(ctx, cfg, *c.target, opts)
				if n != nil {
					if why := notStandbyOf(n, src); why != "" {
						n.close()
						n, rn.Error = nil, why
					}
				}
			}
			rn.DiscoveredFrom = src.info.Name
			if n != nil {
				n.index = len(nodes)
				live = append(live, n)
				queue = append(queue, n)
			}
			nodes = append(nodes, rn)
		}
	}
	return live, nodes
}

type found struct {
	addr   string
	target *Target
}

// candidate is where standby r of src is expected to listen: its host name (when the
// server resolves them) or address, on port (or src's port).
func candidate(r session.Replica, src *nodeConn, port int) found {
	host := r.Hostname
	if host == "" {
		host = r.Addr
	}
	if host == "" {
		return found{}
	}
	if port == 0 {
		port = int(src.target.Conn.Port)
	}
	conn := src.target.Conn.Copy()
	conn.Host, conn.Port, conn.Fallbacks = host, uint16(port), nil
	if conn.TLSConfig != nil {
		conn.TLSConfig.ServerName = host // verify-full checks the standby's own name
	}
	return found{addr: net.JoinHostPort(host, strconv.Itoa(port)), target: &Target{Conn: conn}}
}

// notStandbyOf says why n is not a node to check as a standby of src's cluster.
func notStandbyOf(n, src *nodeConn) string {
	switch {
	case n.info.SystemID != "" && src.info.SystemID != "" && n.info.SystemID != src.info.SystemID:
		return fmt.Sprintf("discovered on %s, but the server there belongs to another cluster (system identifier %s)", src.info.Name, n.info.SystemID)
	case !n.info.InRecovery:
		return fmt.Sprintf("discovered on %s, but the server at that address is not a standby (another port? give the standby with -h host:port, or set the port with --discover-port)", src.info.Name)
	}
	return ""
}
