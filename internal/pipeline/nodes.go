package pipeline

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/internal/workload"
	"github.com/pgcheckup/pgcheckup/report"
)

// defaultCheckTimeout bounds a check when the configuration sets none, so every wait
// on a node has an end (the CLI's default is the same).
const defaultCheckTimeout = 2 * time.Minute

// Reasons of results the pipeline records without running the check.
const (
	reasonInterrupted = "not run: the run was interrupted"
	reasonStopped     = "not completed: the run was interrupted"
)

// DefaultNodeParallelism bounds the nodes checked at once when the configuration sets no
// bound: a run over a primary and three standbys takes about as long as the slowest.
const DefaultNodeParallelism = 4

// runNodes runs the checks on the nodes concurrently (at most cfg.NodeParallelism at
// once), one goroutine and one connection per node, checks on a node in turn: a slow
// or silent node holds up nobody else. The
// result is in the order of the checks, and within each check in the order of the
// nodes, whatever order they finish in.
func runNodes(ctx context.Context, cfg Config, nodes []*nodeConn, opts runner.Options) []report.Check {
	list := cfg.Checks
	if opts.CheckTimeout <= 0 {
		opts.CheckTimeout = defaultCheckTimeout
	}
	// Nodes run concurrently; the progress display was written for one caller at a
	// time. Outcomes and reasons stay raw here: assemble sanitizes them all at the end,
	// in report order, so the order nodes finish in changes nothing.
	var mu sync.Mutex
	opts.Progress = nil
	r := nodeRun{opts: opts, wl: cfg.Workload, window: cfg.windowStarted, texts: &workload.DescribeCache{}}
	r.step = func(id, node string) {
		if cfg.Progress != nil {
			mu.Lock()
			defer mu.Unlock()
			cfg.Progress.Step(id, node)
		}
	}
	findPrimaries(nodes)
	per := make([][]report.Check, len(nodes))
	limit := cfg.NodeParallelism
	if limit <= 0 {
		limit = DefaultNodeParallelism
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			per[i] = r.node(ctx, list, n)
		}()
	}
	wg.Wait()
	out := make([]report.Check, len(list))
	for ci, c := range list {
		m := c.Meta()
		out[ci] = report.Check{ID: m.ID, Title: m.Title, Scope: string(m.Scope), Findings: []checks.Finding{}}
		for ni := range nodes {
			rc := per[ni][ci]
			out[ci].Results = append(out[ci].Results, rc.Results...)
			out[ci].Findings = append(out[ci].Findings, rc.Findings...)
		}
	}
	return out
}

// nodeRun is what every node's goroutine shares.
type nodeRun struct {
	opts runner.Options
	step func(checkID, node string)
	wl   Workload
	// window is told when a node starts waiting out the workload window.
	window func(node string, until time.Time)
	// texts keeps the statement texts one node described for the others (a run is
	// one cluster)
	texts *workload.DescribeCache
}

// node runs every check on one node: first on the connection's database every
// cluster-scoped check and (when that database is checked) the database-scoped ones,
// then the database-scoped checks in each other database, one database at a time. A
// check whose connection dropped under it is run once more on a new connection; once
// the run is interrupted, nothing new starts. The node has one connection at a time.
func (r nodeRun) node(ctx context.Context, list []checks.Check, n *nodeConn) []report.Check {
	out := make([]report.Check, len(list))
	for i, c := range list {
		m := c.Meta()
		out[i] = report.Check{ID: m.ID, Title: m.Title, Scope: string(m.Scope), Findings: []checks.Finding{}}
	}
	// The workload's first snapshot comes before the checks that read the catalogs, so
	// that the window covers nearly all the run; its checks run last, on the
	// connection's database. It is taken on the catalog session: pg_stat_statements
	// returns its rows through a tuplestore bounded by work_mem, and 5,000 entries
	// outgrow the default 4MB and spill to a temporary file.
	//
	// Without a window that snapshot is the last one, so the view (texts, names) is made
	// at once on the same session: the sessions after it hold less, and L003's own
	// session, which keeps a cache entry for every sequence it read, does not also hold
	// the texts' tuplestore.
	wl := hasWorkload(list) && ctx.Err() == nil
	var s1 *workload.Snapshot
	var started time.Time
	var s1err error
	var v *workload.View
	taken := false
	snap := func() {
		if wl && !taken {
			taken = true
			s1, started, s1err = firstSnapshot(ctx, n)
			if r.wl.Window <= 0 {
				v = r.view(ctx, n, list, s1, started, s1err)
			}
		}
	}
	defer func() {
		if wl {
			snap() // the first pass had no catalog check
			if v == nil {
				v = r.view(ctx, n, list, s1, started, s1err)
			}
			rw := r
			rw.opts.Workload = v
			rw.pass(ctx, list, n, out, func(m checks.Meta) bool { return m.Workload }, nil)
		}
	}()
	first := len(n.dbs) > 0 && n.dbs[0] == n.info.Database
	r.pass(ctx, list, n, out, func(m checks.Meta) bool { return !m.Workload && (m.Scope != checks.Database || first) }, snap)
	others := n.dbs
	if first {
		others = others[1:]
	}
	if len(others) == 0 {
		return out
	}
	n.recycle()
	dbOnly := func(m checks.Meta) bool { return m.Scope == checks.Database && !m.Workload }
	for _, db := range others {
		dn := n.forDatabase(db)
		if ctx.Err() == nil {
			if err := dn.open(ctx); err != nil && ctx.Err() == nil {
				n.skipDatabase(db, "cannot connect: "+oneLine(err.Error()))
				for _, c := range list {
					if dbOnly(c.Meta()) {
						r.step(c.Meta().ID, n.info.Name)
					}
				}
				continue
			}
		}
		r.pass(ctx, list, dn, out, dbOnly, nil)
		dn.close()
	}
	return out
}

// steps counts the checks node() runs on n, for the progress display.
func (n *nodeConn) steps(list []checks.Check) int {
	first := len(n.dbs) > 0 && n.dbs[0] == n.info.Database
	others := len(n.dbs)
	if first {
		others--
	}
	steps := 0
	for _, c := range list {
		if m := c.Meta(); m.Scope == checks.Database && !m.Workload {
			steps += others
			if first {
				steps++
			}
		} else {
			steps++
		}
	}
	return steps
}

// skipDatabase records why the database-scoped checks did not run in db.
func (n *nodeConn) skipDatabase(db, reason string) {
	for i := range n.named {
		if n.named[i].Name == db {
			n.named[i].Skipped = reason
		}
	}
}

// pass runs the checks of list that want selects on n's database, appending each
// result to out: main-session checks first, then the catalog session's, then each
// own session's, in the order of the list within each. atCatalog, when not nil, is
// called once the catalog session is the next to open, before its first check.
func (r nodeRun) pass(ctx context.Context, list []checks.Check, n *nodeConn, out []report.Check, want func(checks.Meta) bool, atCatalog func()) {
	var order []int
	for i, c := range list {
		if want(c.Meta()) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(list[a].Meta().Session, list[b].Meta().Session) })
	current := checks.MainSession
	for _, i := range order {
		c := list[i]
		if n.static(c.Meta()) {
			// skipped for what is known of the node (a replicated check on a standby
			// whose primary is in the run, say): no session is opened for it
			rc, _ := r.once(ctx, c, n)
			out[i].Results = append(out[i].Results, rc.Results...)
			r.step(c.Meta().ID, n.info.Name)
			continue
		}
		if kind := c.Meta().Session; kind == checks.OwnSession || kind != current {
			current = kind
			n.opts.Catalog = true
			if kind != checks.CatalogSession || !n.toCatalog(ctx) {
				n.recycle() // the next query opens the new session
			}
			if atCatalog != nil {
				atCatalog()
				atCatalog = nil
			}
		}
		rc, timedOut := r.once(ctx, c, n)
		if rc.Results[0].Status == checks.StatusError && n.closed() && ctx.Err() == nil && !timedOut {
			// The connection dropped (a restart, a reset): the check never had a fair
			// chance, so it gets one on a new connection.
			rc, _ = r.once(ctx, c, n)
		}
		out[i].Results = append(out[i].Results, rc.Results...)
		out[i].Findings = append(out[i].Findings, rc.Findings...)
		r.step(c.Meta().ID, n.info.Name)
	}
}

// once runs one check on n's current connection, replacing a dropped one first, and
// tells whether the check used up its time.
func (r nodeRun) once(ctx context.Context, c checks.Check, n *nodeConn) (report.Check, bool) {
	m := c.Meta()
	db := ""
	if m.Scope == checks.Database {
		db = n.info.Database
	}
	single := func(s checks.Status, reason string) report.Check {
		return report.Check{ID: m.ID, Results: []report.Result{{Node: n.info.Name, Database: db, Status: s, Reason: reason, Connection: n.number}}}
	}
	if ctx.Err() != nil {
		return single(checks.StatusSkipped, reasonInterrupted), false
	}
	if n.static(m) {
		// the runner skips it before any query
		return runner.Run(ctx, []checks.Check{c}, []runner.Node{{Info: n.info, DB: n, Primary: n.primary}}, r.opts)[0], false
	}
	if err := n.ensure(ctx); err != nil {
		if ctx.Err() != nil {
			return single(checks.StatusSkipped, reasonInterrupted), false
		}
		return single(checks.StatusError, "not run: "+oneLine(err.Error())), false
	}
	number := n.number
	// The runner applies the same timeout; holding it here too tells a check that ran
	// out of time from one whose connection dropped.
	cctx, cancel := context.WithTimeout(ctx, r.opts.CheckTimeout)
	defer cancel()
	rc := runner.Run(cctx, []checks.Check{c}, []runner.Node{{Info: n.info, DB: n, Primary: n.primary}}, r.opts)[0]
	res := &rc.Results[0]
	res.Connection = number
	if ctx.Err() != nil && res.Status == checks.StatusError {
		// Cancelled by the interrupt, not failed: say so rather than show the error.
		res.Status, res.Reason, res.Hint = checks.StatusSkipped, reasonStopped, ""
		res.Outcome, rc.Findings = nil, nil
	}
	return rc, errors.Is(cctx.Err(), context.DeadlineExceeded)
}

// findPrimaries tells each standby which reachable node of the run is its primary.
func findPrimaries(nodes []*nodeConn) {
	infos := make([]checks.Node, len(nodes))
	for i, n := range nodes {
		infos[i] = n.info
	}
	for _, n := range nodes {
		n.primary = primaryOf(infos, n.info)
	}
}

// primaryOf names the node of list that is n's primary: not in recovery, with the same
// system identifier (a cascade's too); "" when n is no standby or its primary is not
// there.
func primaryOf(list []checks.Node, n checks.Node) string {
	if !n.InRecovery || n.SystemID == "" {
		return ""
	}
	for _, p := range list {
		if !p.InRecovery && p.SystemID == n.SystemID {
			return p.Name
		}
	}
	return ""
}

// static tells whether the runner skips m on n for what is known of the node, before
// any query (runner.StaticGate).
func (n *nodeConn) static(m checks.Meta) bool {
	return runner.StaticGate(m, runner.Node{Info: n.info, Primary: n.primary}) != nil
}
