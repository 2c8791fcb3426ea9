package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// fleetTarget is issue 20's target: a fleet run with 4 clusters at once takes under this
// share of the time of the same fleet one cluster at a time.
const fleetTarget = 0.5

// fleetResult compares a fleet run at --parallel-clusters 1 with one at 4.
type fleetResult struct {
	Clusters, Servers int
	Latency           time.Duration // added each way between pgcheckup and the servers
	Serial, Parallel  []time.Duration
	Statuses          string // of the last parallel run's index: status=count
	Load1             [2]string
	CPUs              int
}

// measureFleet starts `servers` throwaway servers and runs a fleet of `clusters`
// clusters over them (the last one down: a port nothing listens on), alternating runs at
// --parallel-clusters 1 and 4 after a warm-up of each. What a fleet run waits on is, in
// production, mostly the network: each cluster is another data centre, so its checks are
// round trips, not CPU. The servers here share the machine, so every connection goes
// through a local proxy that delays what it forwards by latency each way; with latency 0
// the figure shows only the contention for this machine's cores.
func measureFleet(ctx context.Context, bin string, major, clusters, servers, runs int, latency time.Duration, args []string) (fleetResult, error) {
	res := fleetResult{Clusters: clusters, Servers: servers, Latency: latency, CPUs: runtime.NumCPU()}
	dir, err := os.MkdirTemp("", "pgcheckup-bench-fleet-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	var ports []int
	for i := range servers {
		fmt.Fprintf(os.Stderr, "  fleet: starting server %d of %d\n", i+1, servers)
		c, err := pgtest.Start(ctx, pgtest.Options{Major: major})
		if err != nil {
			return res, err
		}
		defer c.Destroy()
		p, stop, err := delayProxy(fmt.Sprintf("127.0.0.1:%d", c.Port), latency)
		if err != nil {
			return res, err
		}
		defer stop()
		ports = append(ports, p)
	}
	down, err := pgtest.FreePort()
	if err != nil {
		return res, err
	}
	var cfg strings.Builder
	cfg.WriteString("project = \"fleet\"\nformat = [\"json\", \"md\", \"html\"]\nconnect_timeout = \"5s\"\n")
	for i := range clusters {
		port := ports[i%len(ports)]
		if i == clusters-1 {
			port = down
		}
		fmt.Fprintf(&cfg, "\n[[cluster]]\nname = \"c%02d\"\nconnection = \"host=127.0.0.1 port=%d user=%s dbname=postgres sslmode=disable\"\n",
			i+1, port, pgtest.Superuser)
	}
	path := filepath.Join(dir, "fleet.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		return res, err
	}
	res.Load1[0] = load1()
	for i := -1; i < runs; i++ { // i == -1: the warm-up, not counted
		for _, par := range []int{1, 4} {
			fmt.Fprintf(os.Stderr, "  fleet: run %d of %d, %d clusters at once\n", i+2, runs+1, par)
			wall, statuses, err := fleetRun(ctx, bin, path, par, args)
			if err != nil {
				return res, err
			}
			if i < 0 {
				continue
			}
			if par == 1 {
				res.Serial = append(res.Serial, wall)
			} else {
				res.Parallel = append(res.Parallel, wall)
				res.Statuses = statuses
			}
		}
	}
	res.Load1[1] = load1()
	return res, nil
}

// fleetRun runs pgcheckup once over the fleet and reads the statuses from its index. The
// exit code is 3 (the cluster that is down); the index says whether the others ran.
func fleetRun(ctx context.Context, bin, config string, parallel int, args []string) (time.Duration, string, error) {
	out, err := os.MkdirTemp("", "pgcheckup-bench-")
	if err != nil {
		return 0, "", err
	}
	defer os.RemoveAll(out)
	cmdArgs := append([]string{"run", "-q", "--out", out, "--config", config, "--parallel-clusters", fmt.Sprint(parallel)}, args...)
	cmd := exec.CommandContext(ctx, bin, cmdArgs...)
	cmd.Stderr = io.Discard // the cluster that is down logs on every run
	t0 := time.Now()
	err = cmd.Run()
	wall := time.Since(t0)
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 3) {
		return 0, "", fmt.Errorf("pgcheckup %v: %w", cmdArgs, err)
	}
	b, err := os.ReadFile(filepath.Join(out, "fleet", "index.json"))
	if err != nil {
		return 0, "", err
	}
	var idx struct {
		Clusters []struct{ Status string } `json:"clusters"`
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		return 0, "", err
	}
	n := map[string]int{}
	for _, c := range idx.Clusters {
		n[c.Status]++
	}
	var parts []string
	for s, k := range n {
		parts = append(parts, fmt.Sprintf("%s=%d", s, k))
	}
	slices.Sort(parts)
	return wall, strings.Join(parts, " "), nil
}

// delayProxy listens on a free local port and forwards every connection to upstream,
// delivering each chunk read latency after it was read, in each direction: a network
// round trip of 2×latency, without limiting throughput.
func delayProxy(upstream string, latency time.Duration) (int, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, nil, err
	}
	var wg sync.WaitGroup
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); delayCopy(u, c, latency) }()
			go func() { defer wg.Done(); delayCopy(c, u, latency) }()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port, func() { l.Close() }, nil
}

type chunk struct {
	b   []byte
	due time.Time
}

// delayCopy copies src to dst, each chunk latency after it was read; when either side
// ends, both are closed.
func delayCopy(dst, src net.Conn, latency time.Duration) {
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				q <- chunk{buf[:n], time.Now().Add(latency)}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	dst.Close()
	src.Close()
	for range q { // let the reader end
	}
}

func printFleet(w io.Writer, r fleetResult) {
	s, p := median(r.Serial), median(r.Parallel)
	ratio := float64(p) / float64(s)
	verdict := "met"
	if ratio >= fleetTarget {
		verdict = "NOT met"
	}
	fmt.Fprintf(w, "\nFleet: %d clusters (%d up, over %d servers through a proxy adding %s each way; 1 down), %d CPUs, load %s -> %s\n",
		r.Clusters, r.Clusters-1, r.Servers, r.Latency, r.CPUs, r.Load1[0], r.Load1[1])
	fmt.Fprintf(w, "  --parallel-clusters 1: median %s  (runs %s)\n", s.Round(10*time.Millisecond), durs(r.Serial))
	fmt.Fprintf(w, "  --parallel-clusters 4: median %s  (runs %s)\n", p.Round(10*time.Millisecond), durs(r.Parallel))
	fmt.Fprintf(w, "  ratio 4/1: %.2f (target < %.1f: %s); index of the last run: %s\n", ratio, fleetTarget, verdict, r.Statuses)
}

func durs(ds []time.Duration) string {
	var s []string
	for _, d := range ds {
		s = append(s, d.Round(10*time.Millisecond).String())
	}
	return strings.Join(s, " ")
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// fleetFlags are the flags of the fleet comparison.
type fleetFlags struct {
	clusters, servers, runs int
	latency                 time.Duration
}

func addFleetFlags(f *fleetFlags) {
	flag.IntVar(&f.clusters, "fleet", 0, "then compare a fleet run of this many clusters (the last one down) at --parallel-clusters 1 and 4 (0: skip it)")
	flag.IntVar(&f.servers, "fleet-servers", 3, "throwaway servers the fleet's clusters share")
	flag.IntVar(&f.runs, "fleet-runs", 3, "runs at each concurrency (alternating, after one warm-up of each)")
	flag.DurationVar(&f.latency, "fleet-latency", 10*time.Millisecond, "delay added each way between pgcheckup and the fleet's servers (a network)")
}

// runFleet runs the fleet comparison when -fleet asks for it.
func runFleet(ctx context.Context, f fleetFlags, bin string, major int, args []string) {
	if f.clusters == 0 {
		return
	}
	if f.clusters < 2 || f.servers < 1 || f.runs < 1 {
		fmt.Fprintln(os.Stderr, "pgcheckup-bench: -fleet must be 0 or at least 2, -fleet-servers and -fleet-runs at least 1")
		os.Exit(2)
	}
	res, err := measureFleet(ctx, bin, major, f.clusters, f.servers, f.runs, f.latency, args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgcheckup-bench: fleet: %v\n", err)
		os.Exit(1)
	}
	printFleet(os.Stdout, res)
}
