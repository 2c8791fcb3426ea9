// Package pipeline is one run of pgcheckup from configuration to report: connect to every
// node, run the checks, apply the privacy rules and assemble the report. `pgcheckup run`
// and the tests call it; later commands (upload, diff, fleet runs) will too. Data flows one
// way: servers -> outcomes -> privacy -> report. Nothing here writes files.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// Target is one node to check.
type Target struct {
	// Alias names the node in the report and the logs; empty: host:port.
	Alias string
	Conn  *pgx.ConnConfig
}

// Config is everything one run needs. The CLI builds it from flags and the config file.
type Config struct {
	Project     string
	ToolVersion string
	Targets     []Target
	Session     session.Options
	// Databases says which databases database-scoped checks run in on each node.
	Databases DatabaseFilter
	// Workload measures the workload for the checks with Meta.Workload.
	Workload Workload
	// Discover adds the standbys the nodes list in pg_stat_replication.
	Discover Discover
	// NodeParallelism bounds the nodes checked at once; 0: DefaultNodeParallelism.
	NodeParallelism int
	// CheckTimeout bounds each check on each node; 0: two minutes.
	CheckTimeout time.Duration
	Checks       []checks.Check // selected and configured, in report order
	Host         checks.HostFacts
	PreciseBloat bool
	Sanitizer    *privacy.Sanitizer
	// Options is what the report records of the privacy choices.
	Options report.Options
	Log     *slog.Logger
	// Progress, when set, is called once checks start, with the number of steps, and
	// after each check on each node.
	Progress Progress
}

// Progress follows a run.
type Progress interface {
	Start(steps int)
	Step(checkID, node string)
}

// WindowProgress is a Progress that also shows the workload window being waited out.
type WindowProgress interface {
	Window(node string, until time.Time)
}

func (cfg Config) windowStarted(node string, until time.Time) {
	if w, ok := cfg.Progress.(WindowProgress); ok {
		w.Window(node, until)
	}
	cfg.Log.Info("waiting out the workload window", "node", node, "until", until.Format(time.TimeOnly))
}

// ErrNoNodeReachable is returned, with the report of the unreachable nodes, when no node
// could be checked.
var ErrNoNodeReachable = errors.New("no node reachable")

// Run checks every target and returns the assembled, sanitized report. Its error is nil,
// ErrNoNodeReachable (wrapped, with each node's reason) or a failure of the privacy pass,
// which leaves no report.
func Run(ctx context.Context, cfg Config) (*report.Report, error) {
	if cfg.Sanitizer == nil {
		return nil, errors.New("pipeline: no sanitizer")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	started := time.Now().UTC()
	live, nodes := connect(ctx, cfg)
	if cfg.Discover.Enabled {
		live, nodes = discover(ctx, cfg, live, nodes)
	}
	defer func() {
		for _, n := range live {
			n.close()
		}
	}()
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "pgcheckup", Version: cfg.ToolVersion},
		Project:       cfg.Project,
		StartedAt:     started,
		Options:       cfg.Options,
		Nodes:         nodes,
		Checks:        []report.Check{},
	}
	if len(live) == 0 && ctx.Err() == nil {
		var msgs []string
		for _, n := range nodes {
			msgs = append(msgs, n.Name+": "+n.Error)
		}
		rep.FinishedAt = time.Now().UTC()
		if err := assemble(rep, cfg, nil); err != nil {
			return nil, err
		}
		return rep, fmt.Errorf("%w: %s", ErrNoNodeReachable, strings.Join(msgs, "; "))
	}
	opts := runner.Options{
		CheckTimeout: cfg.CheckTimeout,
		Host:         cfg.Host,
		PreciseBloat: cfg.PreciseBloat,
		Now:          started,
	}
	if cfg.Progress != nil {
		steps := 0
		for _, n := range live {
			steps += n.steps(cfg.Checks)
		}
		cfg.Progress.Start(steps)
	}
	if len(live) > 0 {
		rep.Checks = runNodes(ctx, cfg, live, opts)
	}
	for _, n := range live {
		rep.Nodes[n.index].Databases = n.named
		rep.Nodes[n.index].DatabasesLeftOut = n.leftOut
	}
	// Any end of ctx is an interruption from here: the caller stopped the run.
	rep.Interrupted = ctx.Err() != nil
	rep.FinishedAt = time.Now().UTC()
	infos := make([]checks.Node, len(live))
	for i, n := range live {
		infos[i] = n.info
	}
	if err := assemble(rep, cfg, infos); err != nil {
		return nil, err
	}
	return rep, nil
}
