// Command pgcheckup-bench measures pgcheckup on synthetic catalogs of many tables
// (internal/benchgen, built once and kept under pgtest.CacheDir()/bench): for each size it
// runs, alternating, pgcheckup (all checks, as a child process) and a "catalog floor" (one
// session reading every row of the catalogs the checks need) and prints wall times, the
// ratio to the floor, client and server memory, temporary files, statements and
// connections, the slowest checks, and whether the report counted every planted problem.
// Then, on the catalog of -nodes-tables tables, it compares a run over a primary and
// -standbys streaming standbys (copies of the kept data folder) with a run over the
// primary alone: both medians and their ratio (issue 15's target: under 1.5×).
// With -fleet N it then runs a fleet of N clusters (the last one down) at
// --parallel-clusters 1 and 4 and prints both medians and their ratio (issue 20's
// target: under 0.5); see fleet.go for the setup.
// `make bench` runs it; docs/benchmarks.md explains the figures.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func main() {
	sizes := flag.String("sizes", "1000,20000,50000", "catalog sizes in tables, comma-separated")
	runs := flag.Int("runs", 3, "runs of pgcheckup and of the floor per size (alternating)")
	bin := flag.String("pgcheckup", "bin/pgcheckup", "the pgcheckup binary to measure")
	major := flag.Int("major", 0, "PostgreSQL major (default: PGCHECKUP_PG_MAJOR, else 15)")
	perCheck := flag.Bool("per-check", false, "then run each check alone once: its wall time, backend peak and temporary files")
	nodesTables := flag.Int("nodes-tables", 1000, "catalog size of the multi-node comparison (0: skip it)")
	standbys := flag.Int("standbys", 3, "streaming standbys of the multi-node comparison")
	pgArgs := flag.String("pgcheckup-args", "", "more arguments for every pgcheckup run, space-separated (e.g. \"--format json\")")
	nodesLatency := flag.Duration("nodes-latency", 0, "delay added each way between pgcheckup and every node of the multi-node comparison (a network; 0: none)")
	nodesRuns := flag.Int("nodes-runs", 5, "runs over 1 node and over all nodes (alternating) in the multi-node comparison")
	var fleet fleetFlags
	addFleetFlags(&fleet)
	flag.Parse()
	if *major == 0 {
		*major = pgtest.MajorFromEnv()
	}
	if *major == 0 {
		*major = 15
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		if strings.TrimSpace(s) == "" && !strings.Contains(*sizes, ",") {
			break // -sizes "": only the multi-node comparison
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: bad size %q\n", s)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if *runs < 1 || *nodesRuns < 1 {
		fmt.Fprintln(os.Stderr, "pgcheckup-bench: -runs and -nodes-runs must be at least 1")
		os.Exit(2)
	}
	if *nodesTables != 0 && (*nodesTables < 2 || *standbys < 1 || *standbys > 9) {
		fmt.Fprintln(os.Stderr, "pgcheckup-bench: -nodes-tables must be 0 or at least 2, -standbys 1 to 9")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var all []sizeResult
	for _, n := range ns {
		res, err := measure(ctx, *bin, *major, n, *runs, *perCheck, strings.Fields(*pgArgs))
		if err != nil {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: %d tables: %v\n", n, err)
			os.Exit(1)
		}
		printSize(os.Stdout, res)
		all = append(all, res)
	}
	if len(all) > 0 {
		printSummary(os.Stdout, all)
	}
	if *nodesTables > 0 {
		res, err := measureNodes(ctx, *bin, *major, *nodesTables, *standbys, *nodesRuns, *nodesLatency, strings.Fields(*pgArgs))
		if err != nil {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: %d nodes: %v\n", *standbys+1, err)
			os.Exit(1)
		}
		printNodes(os.Stdout, res)
	}
	runFleet(ctx, fleet, *bin, *major, strings.Fields(*pgArgs))
}
