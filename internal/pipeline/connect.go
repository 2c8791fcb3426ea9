package pipeline

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// defaultConnectTimeout applies when the configuration sets none: pgx alone would wait
// for the operating system's TCP timeout, minutes on a silent network.
const defaultConnectTimeout = 10 * time.Second

// connect opens one session per target, all at once, so a slow or silent node delays
// nobody else. The handshake and the identify queries share one connect timeout: a
// node that accepts the connection and then stops answering is given up when it ends.
// A node that cannot be reached or identified is recorded in the report with its
// reason; the others go on. live and nodes keep the order of the targets.
func connect(ctx context.Context, cfg Config) ([]*nodeConn, []report.Node) {
	san := cfg.Sanitizer
	opts := cfg.Session
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = defaultConnectTimeout
	}
	conns := make([]*nodeConn, len(cfg.Targets))
	nodes := make([]report.Node, len(cfg.Targets))
	for _, t := range cfg.Targets {
		san.Register(t.Conn.User, t.Conn.Database)
		san.RegisterHost(session.Describe(t.Conn), t.Conn.Host)
	}
	var wg sync.WaitGroup
	for i, t := range cfg.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conns[i], nodes[i] = connectOne(ctx, cfg, t, opts)
			if conns[i] != nil {
				conns[i].index = i
			}
		}()
	}
	wg.Wait()
	var live []*nodeConn
	for _, n := range conns {
		if n != nil {
			live = append(live, n)
		}
	}
	return live, nodes
}

func connectOne(ctx context.Context, cfg Config, t Target, opts session.Options) (*nodeConn, report.Node) {
	san := cfg.Sanitizer
	addr := session.Describe(t.Conn)
	name := t.Alias
	if name == "" {
		name = addr
	}
	failed := func(what string, err error) (*nodeConn, report.Node) {
		msg := san.Message(oneLine(err.Error()))
		if ctx.Err() != nil {
			// The run was interrupted: nothing is known about the node.
			msg = report.NodeInterrupted
		}
		cfg.Log.Error(what, "node", name, "error", msg)
		return nil, report.Node{Name: name, Host: addr, Error: msg}
	}
	cctx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	s, err := session.Connect(cctx, t.Conn, opts)
	if err != nil {
		return failed("cannot connect", err)
	}
	info, err := s.Identify(cctx, name)
	if err != nil {
		s.Close(context.Background())
		return failed("cannot identify the node", err)
	}
	cfg.Log.Info("connected", "node", name, "version", info.Version, "role", info.Role, "user", san.Message(info.User))
	n := &nodeConn{target: t, opts: opts, info: info, s: s, number: 1}
	n.listDatabases(cctx, cfg.Databases)
	for _, d := range n.named {
		san.Register(d.Name)
	}
	return n, report.Node{Name: name, Host: info.Host, SystemID: info.SystemID, Database: info.Database,
		Role: info.Role, Version: info.Version, VersionNum: info.VersionNum, InRecovery: info.InRecovery,
		User: info.User, Superuser: info.Superuser, PGMonitor: info.PGMonitor}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
