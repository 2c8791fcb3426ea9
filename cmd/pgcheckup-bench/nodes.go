package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/benchgen"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

// nodesTarget is issue 15's target: a run over a primary and three standbys takes less
// than this many times a run over the primary alone (nodes are checked concurrently).
const nodesTarget = 1.5

// nodesResult compares a run over one node with a run over a primary and its standbys,
// on the same catalog.
type nodesResult struct {
	Tables   int
	Standbys int
	Version  string
	One      []time.Duration // pgcheckup -h primary
	All      []time.Duration // pgcheckup -h primary -h standby1 ... -h standbyN
	Nodes    int             // nodes checked in the median multi-node run's report
	Errors   []string        // checks in error and unreachable nodes, median multi-node run
	// OneChecks is the time in checks of the median one-node run; PerNode that of each
	// node in the median multi-node run. Nodes run at once, so the multi-node wall is
	// about the slowest node's time; when the nodes share the machine's cores (as here)
	// each node's time grows with their number, which is contention, not serialization.
	OneChecks time.Duration
	PerNode   []nodeTime
	// OneSpan and AllSpan are the median runs' started_at to finished_at: connecting and
	// checking every node. The rest of the wall is starting the process, assembling
	// (comparing nodes, the privacy pass) and writing the report.
	OneSpan, AllSpan time.Duration
	// Load1 is the 1-minute load average before and after the runs, and CPUs the
	// machine's CPU count: the figures mean little when other work competes.
	Load1 [2]string
	CPUs  int
	// OneCPU and AllCPU are the CPU times of the runs (medians of client and of
	// servers, each over the runs): with every node on this machine, the sum over
	// the machine's CPUs bounds the wall from below.
	OneCPU, AllCPU cpuTime
	// FloorOne and FloorAll are the catalog floor on the primary alone and on every node
	// at once (floorNodes): what the machine allows a reader of every node, with nothing
	// of pgcheckup's own work.
	FloorOne, FloorAll []time.Duration
	// Latency is the delay added each way between pgcheckup and every node (0: none):
	// with nodes on machines of their own, as in production, the wait on the network
	// rather than this machine's two shared cores is what runs in parallel.
	Latency time.Duration
}

// cpuTime is a run's CPU time in the pgcheckup process and in the servers.
type cpuTime struct{ Client, Servers time.Duration }

// medianCPU takes the median client and the median server CPU time of runs.
func medianCPU(runs []runResult) cpuTime {
	var c, s []time.Duration
	for _, r := range runs {
		c, s = append(c, r.ClientCPU), append(s, r.ServerCPU)
	}
	mc, _, _ := stats(c)
	ms, _, _ := stats(s)
	return cpuTime{mc, ms}
}

// nodeTime is one node's time in checks in one run.
type nodeTime struct {
	Node string
	Time time.Duration
}

// measureNodes starts the kept catalog of n tables, adds standbys streaming standbys (copies
// of its data folder, removed afterwards; the kept folder stays as it was) and alternates
// runs over the primary alone and over every node, after one warm-up run of each.
func measureNodes(ctx context.Context, bin string, major, n, standbys, runs int, latency time.Duration, args []string) (nodesResult, error) {
	res := nodesResult{Tables: n, Standbys: standbys, Latency: latency}
	start := time.Now()
	progress := func(s string) {
		fmt.Fprintf(os.Stderr, "  building %d tables (once, kept in %s): %s, %s\n", n, benchgen.Dir(major, n), s,
			time.Since(start).Round(time.Second))
	}
	c, _, err := benchgen.Cached(ctx, major, n, progress)
	if err != nil {
		return res, err
	}
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: stop cluster: %v\n", err)
		}
	}()
	res.Version = c.Version
	// addr is where pgcheckup reaches a node: through a delaying proxy when latency is set
	var stops []func()
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	addr := func(port int) (string, error) {
		if latency <= 0 {
			return fmt.Sprintf("127.0.0.1:%d", port), nil
		}
		p, stop, err := delayProxy(fmt.Sprintf("127.0.0.1:%d", port), latency)
		if err != nil {
			return "", err
		}
		stops = append(stops, stop)
		return fmt.Sprintf("127.0.0.1:%d", p), nil
	}
	a, err := addr(c.Port)
	if err != nil {
		return res, err
	}
	hosts := []string{"primary=" + a}
	floorConns := []string{nodeConnString(a)}
	var pms []int // the standbys' postmasters
	for i := 1; i <= standbys; i++ {
		fmt.Fprintf(os.Stderr, "  %d tables: adding standby %d of %d\n", n, i, standbys)
		sb, err := c.AddStandby(ctx, nil)
		if err != nil {
			return res, fmt.Errorf("add standby %d: %w", i, err)
		}
		defer func() {
			if err := sb.Destroy(); err != nil {
				fmt.Fprintf(os.Stderr, "pgcheckup-bench: remove standby: %v\n", err)
			}
		}()
		a, err := addr(sb.Port)
		if err != nil {
			return res, err
		}
		pm, err := sb.PostmasterPID()
		if err != nil {
			return res, err
		}
		pms = append(pms, pm)
		hosts = append(hosts, fmt.Sprintf("standby%d=%s", i, a))
		floorConns = append(floorConns, nodeConnString(a))
	}
	if err := waitStreaming(ctx, c, standbys, time.Minute); err != nil {
		return res, err
	}
	b, err := newBench(ctx, bin, c, args)
	if err != nil {
		return res, err
	}
	defer b.monitor.Close(context.Background())
	b.nodes, b.noMemory = pms, true
	one, all := hostArgs(hosts[:1]), hostArgs(hosts)
	res.Load1[0], res.CPUs = load1(), runtime.NumCPU()
	var oneRuns, allRuns []runResult
	for i := -1; i < runs; i++ {
		if i < 0 {
			fmt.Fprintf(os.Stderr, "  %d tables: warm-up, 1 node and %d nodes\n", n, len(hosts))
		} else {
			fmt.Fprintf(os.Stderr, "  %d tables: run %d of %d, 1 node and %d nodes\n", n, i+1, runs, len(hosts))
		}
		r1, err := b.pgcheckup(ctx, one...)
		if err != nil {
			return res, err
		}
		rn, err := b.pgcheckup(ctx, all...)
		if err != nil {
			return res, err
		}
		if i >= 0 {
			res.One, res.All = append(res.One, r1.Wall), append(res.All, rn.Wall)
			oneRuns, allRuns = append(oneRuns, r1), append(allRuns, rn)
		}
	}
	fmt.Fprintf(os.Stderr, "  %d tables: the catalog floor, 1 node and %d nodes at once\n", n, len(hosts))
	if res.FloorOne, res.FloorAll, err = measureFloorNodes(ctx, floorConns, runs); err != nil {
		return res, err
	}
	res.Load1[1] = load1()
	m1 := medianRun(oneRuns)
	res.OneChecks, res.OneSpan = checksTime(m1.Report), m1.Report.FinishedAt.Sub(m1.Report.StartedAt)
	mr := medianRun(allRuns)
	res.AllSpan = mr.Report.FinishedAt.Sub(mr.Report.StartedAt)
	res.OneCPU, res.AllCPU = medianCPU(oneRuns), medianCPU(allRuns)
	res.PerNode = perNode(mr.Report)
	res.Nodes = len(mr.Report.Nodes)
	res.Errors = append(unreachable(mr.Report), failed(mr.Report)...)
	return res, nil
}

// perNode sums each node's check durations in rep, in the report's node order.
func perNode(rep *report.Report) []nodeTime {
	ms := map[string]float64{}
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			ms[r.Node] += r.DurationMS
		}
	}
	var out []nodeTime
	for _, n := range rep.Nodes {
		out = append(out, nodeTime{n.Name, time.Duration(ms[n.Name] * float64(time.Millisecond))})
	}
	return out
}

// load1 is the 1-minute load average, or "?".
func load1() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}

// hostArgs are the -h flags naming hosts (alias=host:port); they override the host and
// port of the bench's connection string.
func hostArgs(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		out = append(out, "-h", h)
	}
	return out
}

// unreachable lists the nodes of rep that could not be checked, with the reason.
func unreachable(rep *report.Report) []string {
	var out []string
	for _, n := range rep.Nodes {
		if n.Error != "" {
			out = append(out, n.Name+": "+n.Error)
		}
	}
	return out
}

// waitStreaming waits until the primary c sees n standbys streaming and replayed up to
// its current WAL position.
func waitStreaming(ctx context.Context, c *pgtest.Cluster, n int, limit time.Duration) error {
	if n == 0 {
		return nil
	}
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(limit)
	for {
		var streaming int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_stat_replication
			WHERE state = 'streaming' AND replay_lsn >= pg_catalog.pg_current_wal_lsn()`).Scan(&streaming); err != nil {
			return err
		}
		if streaming >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d standbys streaming after %s", streaming, n, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// printNodes prints the two medians and their ratio against the target.
func printNodes(w io.Writer, r nodesResult) {
	m1, lo1, hi1 := stats(r.One)
	mn, lon, hin := stats(r.All)
	nodes := r.Standbys + 1
	net := ""
	if r.Latency > 0 {
		net = fmt.Sprintf("; %s added each way, as a network would", r.Latency)
	}
	fmt.Fprintf(w, "\n== %d nodes (a primary and %d streaming standbys) against 1, %s tables (PostgreSQL %s%s)\n",
		nodes, r.Standbys, checks.Thousands(int64(r.Tables)), r.Version, net)
	fmt.Fprintf(w, "pgcheckup wall, 1 node   %s median (%s–%s) over %d runs\n", secs(m1), secs(lo1), secs(hi1), len(r.One))
	fmt.Fprintf(w, "pgcheckup wall, %d nodes  %s median (%s–%s) over %d runs\n", nodes, secs(mn), secs(lon), secs(hin), len(r.All))
	ratio := mn.Seconds() / m1.Seconds()
	verdict := "met"
	if ratio >= nodesTarget {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "ratio %d nodes / 1 node  %.2f× (target under %.1f×: %s)\n", nodes, ratio, nodesTarget, verdict)
	if len(r.PerNode) > 0 {
		var parts []string
		for _, n := range r.PerNode {
			parts = append(parts, n.Node+" "+secs(n.Time))
		}
		fmt.Fprintf(w, "time in checks          1 node: %s; %d nodes (median run): %s\n", secs(r.OneChecks), nodes,
			strings.Join(parts, ", "))
		fmt.Fprintf(w, "connect and check       1 node: %s; %d nodes: %s (started_at to finished_at; the rest of the wall is process start, assembling and writing the report)\n",
			secs(r.OneSpan), nodes, secs(r.AllSpan))
	}
	if r.OneCPU.Client > 0 {
		fmt.Fprintf(w, "CPU per run (medians)   1 node: pgcheckup %s + server %s; %d nodes: pgcheckup %s + servers %s\n",
			secs(r.OneCPU.Client), secs(r.OneCPU.Servers), nodes, secs(r.AllCPU.Client), secs(r.AllCPU.Servers))
		if r.CPUs > 0 && r.Latency <= 0 {
			// every process of the run shares this machine's CPUs: the multi-node run
			// cannot take less than its CPU time spread over all of them
			bound := (r.AllCPU.Client + r.AllCPU.Servers) / time.Duration(r.CPUs)
			fmt.Fprintf(w, "CPU bound               %d nodes need %s of CPU on %d CPUs: at least %s of wall, %.2f× the 1-node median\n",
				nodes, secs(r.AllCPU.Client+r.AllCPU.Servers), r.CPUs, secs(bound), bound.Seconds()/m1.Seconds())
		}
	}
	if len(r.FloorOne) > 0 {
		f1, _, _ := stats(r.FloorOne)
		fn, _, _ := stats(r.FloorAll)
		fmt.Fprintf(w, "catalog floor           1 node: %s; %d nodes at once: %s (medians): %.2f× with nothing of pgcheckup's work\n",
			secs(f1), nodes, secs(fn), fn.Seconds()/f1.Seconds())
	}
	if r.CPUs > 0 {
		fmt.Fprintf(w, "machine                 %d CPUs shared by all %d servers and pgcheckup; load average %s before, %s after\n",
			r.CPUs, nodes, r.Load1[0], r.Load1[1])
	}
	if r.Nodes != nodes {
		fmt.Fprintf(w, "nodes in the report     %d of %d\n", r.Nodes, nodes)
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(w, "errors                  %s\n", strings.Join(r.Errors, "; "))
	}
}
