// Command pgcheckup-bench measures pgcheckup on synthetic catalogs of many tables
// (internal/benchgen, built once and kept under pgtest.CacheDir()/bench): for each size it
// runs, alternating, pgcheckup (all checks, as a child process) and a "catalog floor" (one
// session reading every row of the catalogs the checks need) and prints wall times, the
// ratio to the floor, client and server memory, temporary files, statements and
// connections, the slowest checks, and whether the report counted every planted problem.
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
	flag.Parse()
	if *major == 0 {
		*major = pgtest.MajorFromEnv()
	}
	if *major == 0 {
		*major = 15
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: bad size %q\n", s)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "pgcheckup-bench: -runs must be at least 1")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var all []sizeResult
	for _, n := range ns {
		res, err := measure(ctx, *bin, *major, n, *runs, *perCheck)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: %d tables: %v\n", n, err)
			os.Exit(1)
		}
		printSize(os.Stdout, res)
		all = append(all, res)
	}
	printSummary(os.Stdout, all)
}
