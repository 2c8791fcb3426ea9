package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/internal/benchgen"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// sizeResult is everything measured on one catalog.
type sizeResult struct {
	Tables      int
	Version     string
	ClassRows   int64
	AttrRows    int64
	Truth       benchgen.Truth
	Runs        []runResult
	Floors      []time.Duration
	FloorRows   int64
	BuildTime   time.Duration // 0 when the catalog came from the cache
	BuiltBefore bool
}

// measure starts (building if needed) the catalog of n tables and alternates pgcheckup
// and the floor runs times each, after one floor read that warms the caches for both.
func measure(ctx context.Context, bin string, major, n, runs int, perCheck bool, args []string) (sizeResult, error) {
	res := sizeResult{Tables: n}
	start := time.Now()
	progress := func(s string) {
		fmt.Fprintf(os.Stderr, "  building %d tables (once, kept in %s): %s, %s\n", n, benchgen.Dir(major, n), s,
			time.Since(start).Round(time.Second))
	}
	_, statErr := os.Stat(filepath.Join(benchgen.Dir(major, n), "ready"))
	res.BuiltBefore = statErr == nil
	c, truth, err := benchgen.Cached(ctx, major, n, progress)
	if err != nil {
		return res, err
	}
	defer func() {
		if err := c.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgcheckup-bench: stop cluster: %v\n", err)
		}
	}()
	if !res.BuiltBefore {
		res.BuildTime = time.Since(start)
	}
	res.Truth, res.Version = truth, c.Version
	b, err := newBench(ctx, bin, c, args)
	if err != nil {
		return res, err
	}
	defer b.monitor.Close(context.Background())
	if err := b.monitor.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_catalog.pg_class), (SELECT count(*) FROM pg_catalog.pg_attribute)`).
		Scan(&res.ClassRows, &res.AttrRows); err != nil {
		return res, err
	}
	if _, _, err := floor(ctx, b.connString); err != nil {
		return res, err
	}
	for i := range runs {
		fmt.Fprintf(os.Stderr, "  %d tables: run %d of %d\n", n, i+1, runs)
		r, err := b.pgcheckup(ctx)
		if err != nil {
			return res, err
		}
		res.Runs = append(res.Runs, r)
		d, rows, err := floor(ctx, b.connString)
		if err != nil {
			return res, err
		}
		res.Floors, res.FloorRows = append(res.Floors, d), rows
	}
	if perCheck {
		return res, alone(ctx, b, res.Runs[0].Report)
	}
	return res, nil
}

// newBench is what runs of pgcheckup against c need: the binary's absolute path, the
// postmaster to sample, the log to count in, a monitoring session and the extra arguments
// of every run. Close b.monitor.
func newBench(ctx context.Context, bin string, c *pgtest.Cluster, args []string) (*bench, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("pgcheckup binary: %w (run `make build`)", err)
	}
	pm, err := c.PostmasterPID()
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(c.ConnString("postgres"))
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams["application_name"] = "pgcheckup-bench"
	mon, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &bench{bin: abs, connString: c.ConnString("postgres"), logFile: c.LogFile(), postmaster: pm,
		major: c.Major, monitor: mon, args: args}, nil
}
