// Package runner runs checks on nodes: it enforces versions and requirements, a per-check
// timeout and panic capture, turns "permission denied" into a skip with a hint, and
// collects everything into report.Check values. A check never stops the run.
package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// Node is a node the runner can reach.
type Node struct {
	Info checks.Node
	DB   checks.Querier
	// Primary names the node of the run that is this standby's primary (the same
	// system identifier, reachable); "" when there is none. See checks.Meta.Replicated.
	Primary string
}

// Options tune a run.
type Options struct {
	CheckTimeout time.Duration // per check and node; 0: none beyond statement_timeout
	Host         checks.HostFacts
	PreciseBloat bool
	Now          time.Time
	// Sanitize rewrites an outcome's database strings (privacy rules). Only RunOne,
	// which stores one node's outcome at once, uses it (tests may pass Identity); Run
	// keeps outcomes typed and the pipeline sanitizes them all together.
	Sanitize func(*checks.Outcome) error
	// Progress is called after each check on each node.
	Progress func(checkID, node string)
	// Workload is the node's *workload.View, given to checks with Meta.Workload.
	Workload any
}

// Identity leaves an outcome as it is.
func Identity(*checks.Outcome) error { return nil }

// Run runs every check on every node, checks in the order given, nodes in turn. Each
// result keeps the check's typed outcome as the check returned it: nothing is encoded or
// sanitized here, so that the pipeline can compare one check across nodes and apply the
// privacy rules by type once every name is known.
func Run(ctx context.Context, list []checks.Check, nodes []Node, opts Options) []report.Check {
	out := make([]report.Check, 0, len(list))
	for _, c := range list {
		m := c.Meta()
		rc := report.Check{ID: m.ID, Title: m.Title, Scope: string(m.Scope), Findings: []checks.Finding{}}
		for _, n := range nodes {
			res := Exec(ctx, c, n, opts)
			rc.Results = append(rc.Results, res)
			if res.Outcome != nil {
				rc.Findings = append(rc.Findings, res.Outcome.Findings...)
			}
			if opts.Progress != nil {
				opts.Progress(m.ID, n.Info.Name)
			}
		}
		out = append(out, rc)
	}
	return out
}

// Exec runs one check on one node and returns how it ended with its typed outcome
// (Result.Outcome; nil when the check did not return one), findings labelled with the
// node. Reasons hold the server's raw messages: the caller sanitizes them.
func Exec(ctx context.Context, c checks.Check, n Node, opts Options) report.Result {
	start := time.Now()
	res := report.Result{Node: n.Info.Name}
	db := ""
	if c.Meta().Scope == checks.Database {
		db = n.Info.Database
	}
	res.Database = db
	finish := func(s checks.Status, reason, hint string) report.Result {
		res.Status, res.Reason, res.Hint = s, reason, hint
		res.DurationMS = float64(time.Since(start).Microseconds()) / 1000
		return res
	}
	if skip := gate(ctx, c.Meta(), n); skip != nil {
		res.SameAs = skip.SameAs
		return finish(checks.StatusSkipped, skip.Reason, skip.Hint)
	}
	out, err := runGuarded(ctx, c, n, opts)
	if err != nil {
		if checks.IsPermissionDenied(err) {
			return finish(checks.StatusSkipped, "permission denied: "+err.Error(),
				fmt.Sprintf("GRANT pg_monitor TO %s; or run as a role that can read this check's views", n.Info.User))
		}
		return finish(checks.StatusError, err.Error(), "")
	}
	res.Outcome = out
	for i := range out.Findings {
		out.Findings[i].Node = n.Info.Name
		out.Findings[i].Database = db
	}
	status := checks.StatusOK
	for _, f := range out.Findings {
		if f.Severity > checks.Info {
			status = checks.StatusFindings
		}
	}
	if out.Skip != nil {
		return finish(checks.StatusSkipped, out.Skip.Reason, out.Skip.Hint)
	}
	return finish(status, "", "")
}

// RunOne runs one check on one node and sanitizes and encodes its outcome at once, as a
// one-node report would hold it. The checks' integration tests use it.
func RunOne(ctx context.Context, c checks.Check, n Node, opts Options) (report.Result, []checks.Finding) {
	sanitize := opts.Sanitize
	if sanitize == nil {
		return report.Result{Node: n.Info.Name, Status: checks.StatusError, Reason: "internal error: no sanitizer configured"}, nil
	}
	res := Exec(ctx, c, n, opts)
	out := res.Outcome
	res.Outcome = nil
	res.Reason, res.Hint = errText(res.Reason, sanitize), errText(res.Hint, sanitize)
	if out == nil {
		return res, nil
	}
	if err := sanitize(out); err != nil {
		res.Status, res.Reason, res.Hint = checks.StatusError, "sanitize: "+errText(err.Error(), sanitize), ""
		return res, nil
	}
	if out.Data != nil {
		b, err := json.Marshal(out.Data)
		if err != nil {
			res.Status, res.Reason, res.Hint = checks.StatusError, "encode data: "+err.Error(), ""
			return res, nil
		}
		res.Data = b
	}
	return res, out.Findings
}

// errText passes a server message through the sanitizer too: errors can quote values.
func errText(text string, sanitize func(*checks.Outcome) error) string {
	if text == "" {
		return ""
	}
	msg := checks.Text(text)
	if sanitize(&checks.Outcome{Data: &msg}) != nil {
		return "error (message withheld)"
	}
	return string(msg)
}

func runGuarded(ctx context.Context, c checks.Check, n Node, opts Options) (out *checks.Outcome, err error) {
	if opts.CheckTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.CheckTimeout)
		defer cancel()
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("check panicked: %v\n%s", r, debug.Stack())
		}
	}()
	t := &checks.Target{Node: n.Info, DB: n.DB, Host: opts.Host, Now: opts.Now, PreciseBloat: opts.PreciseBloat}
	if c.Meta().Workload {
		t.Workload = opts.Workload
	}
	out, err = c.Run(ctx, t)
	if err == nil && out == nil {
		err = errors.New("check returned no outcome")
	}
	// Past the deadline pgx may report the server's "canceling statement" or a closed
	// socket rather than the context's error: the context says what happened.
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %s: %w", opts.CheckTimeout, err)
	}
	return out, err
}
