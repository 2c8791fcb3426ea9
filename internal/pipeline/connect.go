package pipeline

import (
	"context"
	"strings"

	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

type liveNode struct {
	node    runner.Node
	session *session.Session
}

func (n liveNode) close() { n.session.Close(context.Background()) }

// connect opens one session per target. A node that cannot be reached or identified is
// recorded in the report with its reason; the others go on.
func connect(ctx context.Context, cfg Config) ([]liveNode, []report.Node) {
	var live []liveNode
	var nodes []report.Node
	san := cfg.Sanitizer
	for _, t := range cfg.Targets {
		addr := session.Describe(t.Conn)
		name := t.Alias
		if name == "" {
			name = addr
		}
		san.Register(t.Conn.User, t.Conn.Database)
		cctx, cancel := context.WithTimeout(ctx, cfg.Session.ConnectTimeout)
		s, err := session.Connect(cctx, t.Conn, cfg.Session)
		cancel()
		if err != nil {
			msg := san.Message(oneLine(err.Error()))
			cfg.Log.Error("cannot connect", "node", name, "error", msg)
			nodes = append(nodes, report.Node{Name: name, Host: addr, Error: msg})
			continue
		}
		info, err := s.Identify(ctx, name)
		if err != nil {
			s.Close(ctx)
			msg := san.Message(oneLine(err.Error()))
			cfg.Log.Error("cannot identify the node", "node", name, "error", msg)
			nodes = append(nodes, report.Node{Name: name, Host: addr, Error: msg})
			continue
		}
		cfg.Log.Info("connected", "node", name, "version", info.Version, "role", info.Role, "user", san.Message(info.User))
		live = append(live, liveNode{node: runner.Node{Info: info, DB: s}, session: s})
		nodes = append(nodes, report.Node{Name: name, Host: info.Host, SystemID: info.SystemID, Database: info.Database,
			Role: info.Role, Version: info.Version, VersionNum: info.VersionNum, InRecovery: info.InRecovery,
			User: info.User, Superuser: info.Superuser, PGMonitor: info.PGMonitor})
	}
	return live, nodes
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
