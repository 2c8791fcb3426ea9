package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// maxReconnects bounds how often one node's connection is replaced in a run: a server
// that keeps dropping connections is given up rather than retried for ever.
const maxReconnects = 3

// reconnectPause is the wait between attempts while a restarting server refuses
// connections or is still starting up.
const reconnectPause = 200 * time.Millisecond

// nodeConn is one node's session, replaced by a new one when the connection drops (a
// server restart, a network reset). Checks query through it. It belongs to the
// goroutine that runs the node's checks in turn; it is not safe for concurrent use.
type nodeConn struct {
	target Target
	opts   session.Options
	info   checks.Node
	s      *session.Session
	// primary names the reachable node that is this standby's primary (runner.Node).
	primary string
	// number counts the node's connections: 1 for the first. Each result records the
	// connection it ran on.
	number int
	// recycled counts the connections closed on purpose, between session kinds
	// (checks.Meta.Session): they are no drops, so they do not count against
	// maxReconnects.
	recycled int
	// lost is why the node was given up: its connection dropped and no new one could
	// be opened. Once set, nothing more is sent to the node.
	lost error
	// dbs are the databases database-scoped checks run in on this node, the
	// connection's own first (if checked); named is every database the report names for
	// the node, skipped ones with the reason; leftOut counts those beyond the cap.
	dbs     []string
	named   []report.Database
	leftOut int
	// index is the node's place in the report's list of nodes.
	index int
}

func (n *nodeConn) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if n.lost != nil {
		return nil, n.lost
	}
	return n.s.Query(ctx, sql, args...)
}

func (n *nodeConn) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if n.lost != nil {
		return errRow{n.lost}
	}
	return n.s.QueryRow(ctx, sql, args...)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

func (n *nodeConn) closed() bool { return n.lost == nil && (n.s == nil || n.s.IsClosed()) }

func (n *nodeConn) close() {
	if n.s != nil {
		n.s.Close(context.Background())
	}
}

// recycle closes the session on purpose; the next check's ensure opens a new one.
func (n *nodeConn) recycle() {
	if n.lost != nil || n.s == nil || n.s.IsClosed() {
		return
	}
	n.close()
	n.recycled++
}

// toCatalog makes the open main session the catalog session (session.CatalogQuery),
// and tells whether it did; if not, the caller opens a new one.
func (n *nodeConn) toCatalog(ctx context.Context) bool {
	if n.lost != nil || n.s == nil || n.s.IsClosed() {
		return false
	}
	return n.s.ToCatalog(ctx) == nil
}

// ensure replaces a dropped connection, trying until the connect timeout ends. It
// returns n.lost: nil when the node can be queried.
func (n *nodeConn) ensure(ctx context.Context) error {
	if !n.closed() {
		return n.lost
	}
	if n.number-n.recycled > maxReconnects {
		n.lost = fmt.Errorf("connection lost %d times; node given up", n.number-n.recycled)
		return n.lost
	}
	cctx, cancel := context.WithTimeout(ctx, n.opts.ConnectTimeout)
	defer cancel()
	var err error
	for {
		var s *session.Session
		if s, err = n.reconnect(cctx); err == nil {
			n.close()
			n.s = s
			n.number++
			return nil
		}
		if errors.Is(err, errOtherServer) {
			break
		}
		select {
		case <-cctx.Done():
		case <-time.After(reconnectPause):
			continue
		}
		break
	}
	n.lost = fmt.Errorf("connection lost, reconnect failed: %w", err)
	return n.lost
}

var errOtherServer = errors.New("a different server answers")

// reconnect opens and identifies a new session. A node that now belongs to another
// cluster or changed role (a failover) is not the node the report describes: the
// checks' version and role gates were decided for the old one.
func (n *nodeConn) reconnect(ctx context.Context) (*session.Session, error) {
	s, err := session.Connect(ctx, n.target.Conn, n.opts)
	if err != nil {
		return nil, err
	}
	info, err := s.Identify(ctx, n.info.Name)
	if err != nil {
		s.Close(context.Background())
		return nil, err
	}
	if info.SystemID != n.info.SystemID || info.InRecovery != n.info.InRecovery {
		s.Close(context.Background())
		return nil, fmt.Errorf("%w (system identifier or role changed)", errOtherServer)
	}
	return s, nil
}

var _ checks.Querier = (*nodeConn)(nil)
