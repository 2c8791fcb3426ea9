package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// fleetFlags are the flags of `run` for a configuration with [[cluster]] tables.
type fleetFlags struct {
	clusters listFlag
	parallel int
}

func addFleetFlags(fs *pflag.FlagSet, f *fleetFlags) {
	fs.Var(&f.clusters, "clusters", "with a fleet configuration ([[cluster]] tables): check only these cluster `names` (comma-separated)")
	fs.IntVar(&f.parallel, "parallel-clusters", 0, "with a fleet configuration: check at most `n` clusters at once (default 4; each checks its nodes with its own parallel_nodes)")
}

const defaultParallelClusters = 4

// fleetExitOrder ranks exit codes from best to worst: a fleet run exits with the worst
// code of its clusters. A gate (5) only says findings exist, so any failure of a run
// outranks it; an interruption outranks everything, as in a single run.
var fleetExitOrder = []int{exitOK, exitFailOn, exitCheckErrors, exitUnreachable, exitWriteFailed, exitLocked, exitUsage, exitInterrupted}

func worseExit(a, b int) int {
	if slices.Index(fleetExitOrder, b) > slices.Index(fleetExitOrder, a) {
		return b
	}
	return a
}

// lockedWriter serializes the clusters' writes to one stream.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// cmdFleet runs every selected cluster of a fleet configuration, at most
// --parallel-clusters at once, each exactly as a single run would (its own report
// folder, nodes, thresholds and --fail-on), and writes the index. base is the
// configuration as the file set it, before the flags.
func cmdFleet(ctx context.Context, f *runFlags, base Config, stdout, stderr io.Writer) (int, error) {
	if f.fs.NArg() > 0 {
		return exitUsage, cfgErr("a fleet configuration names each cluster's connection in its [[cluster]] table: no CONNSTRING argument")
	}
	var refused error
	f.fs.Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "host", "upload", "password":
			refused = cfgErr("--%s does not apply to a fleet configuration: set it in each [[cluster]] table (or run one cluster at a time)", fl.Name)
		}
	})
	if refused != nil {
		return exitUsage, refused
	}
	if !base.isFleet() {
		return exitUsage, cfgErr("--clusters needs a configuration file with [[cluster]] tables")
	}
	top := cloneConfig(&base)
	f.apply(&top)
	if top.Out == "-" {
		return exitUsage, cfgErr("--out - prints one report: a fleet writes one per cluster and an index; give a folder")
	}
	if err := top.validate(); err != nil {
		return exitUsage, err
	}
	parallel := top.ParallelClusters
	if f.fleet.parallel != 0 {
		parallel = f.fleet.parallel
	}
	if parallel < 0 {
		return exitUsage, cfgErr("parallel_clusters: %d is negative", parallel)
	}
	if parallel == 0 {
		parallel = defaultParallelClusters
	}
	indexDir := filepath.Join(top.Out, top.Project)
	all, err := fleetClusters(&base, f.apply, indexDir)
	if err != nil {
		return exitUsage, err
	}
	for _, fc := range all { // the top level's were logged by cmdRun
		for _, d := range fc.cfg.deprecated[min(len(base.deprecated), len(fc.cfg.deprecated)):] {
			fmt.Fprintf(stderr, "pgcheckup: warning: deprecated config key, still read: %s\n", d)
		}
	}
	picked, err := pickClusters(all, splitList(f.fleet.clusters))
	if err != nil {
		return exitUsage, err
	}
	if err := probeOutDir(indexDir); err != nil {
		return exitUsage, err
	}

	started := time.Now()
	errw := &lockedWriter{w: stderr}
	entries := make([]indexEntry, len(picked))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, fc := range picked {
		if fc.err != nil {
			entries[i] = configErrorEntry(fc)
			fmt.Fprintf(errw, "pgcheckup: cluster %s: %v\n", fc.name, fc.err)
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil { // interrupted: what has not started does not start
			entries[i] = indexEntry{Name: fc.name, Status: statusInterrupted, ExitCode: exitInterrupted,
				Error: "not started: the fleet run was interrupted"}
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t0 := time.Now()
			out := runCluster(ctx, &fc.cfg, fc.list, runIO{stdout: io.Discard, stderr: errw, quiet: f.quiet,
				verbose: f.verbose, logAttrs: []any{"cluster", fc.name}})
			entries[i] = clusterEntry(fc, out, indexDir, time.Since(t0))
			if out.err != nil {
				fmt.Fprintf(errw, "pgcheckup: cluster %s: %s\n", fc.name, entries[i].Error)
			}
		}()
	}
	wg.Wait()

	idx := fleetIndex{Project: top.Project, ToolVersion: toolVersion(), StartedAt: started.UTC(),
		DurationSeconds: seconds(time.Since(started)), ParallelClusters: parallel, Clusters: entries}
	for _, e := range entries {
		idx.ExitCode = worseExit(idx.ExitCode, e.ExitCode)
	}
	if err := writeIndex(indexDir, &idx); err != nil {
		return worseExit(idx.ExitCode, exitWriteFailed), fmt.Errorf("the clusters' reports were written but not the fleet's index: %w", err)
	}
	fmt.Fprintln(stdout, indexDir)
	return idx.ExitCode, nil
}

// pickClusters keeps the clusters --clusters names, in the file's order; none: all.
func pickClusters(all []*fleetCluster, names []string) ([]*fleetCluster, error) {
	if len(names) == 0 {
		return all, nil
	}
	known := map[string]bool{}
	for _, fc := range all {
		known[fc.name] = true
	}
	for _, n := range names {
		if !known[n] {
			return nil, cfgErr("--clusters: no cluster named %q in the configuration", n)
		}
	}
	var out []*fleetCluster
	for _, fc := range all {
		if slices.Contains(names, fc.name) {
			out = append(out, fc)
		}
	}
	return out, nil
}

func configErrorEntry(fc *fleetCluster) indexEntry {
	return indexEntry{Name: fc.name, Status: statusConfigError, ExitCode: exitUsage, Error: fc.err.Error()}
}

// clusterEntry sums one cluster's run up for the index.
func clusterEntry(fc *fleetCluster, out clusterOutcome, indexDir string, took time.Duration) indexEntry {
	e := indexEntry{Name: fc.name, ExitCode: out.code, DurationSeconds: seconds(took)}
	if out.err != nil {
		e.Error = out.err.Error()
		if out.san != nil {
			e.Error = out.san.Message(e.Error)
		}
	}
	if out.dir != "" {
		if rel, err := filepath.Rel(indexDir, out.dir); err == nil {
			e.Report = filepath.ToSlash(rel)
			if slices.Contains(fc.cfg.Format, report.FormatHTML) {
				e.Page = e.Report + "/report.html"
			}
			if slices.Contains(fc.cfg.Format, report.FormatMD) {
				e.Markdown = e.Report + "/report.md"
			}
		}
	}
	if rep := out.rep; rep != nil {
		e.Counts = &severityCounts{P1: rep.Count(checks.P1), P2: rep.Count(checks.P2), P3: rep.Count(checks.P3)}
		e.CheckErrors = rep.Errors()
		for _, n := range rep.Nodes {
			e.Nodes++
			if n.Error == "" {
				e.NodesReachable++
			}
		}
		if c := rep.Changes; c != nil && e.Report != "" { // the run compared it with its previous report
			e.Changes = &fleetChanges{Since: c.Since, New: len(c.New), Resolved: len(c.Resolved), SeverityChanged: len(c.Severity)}
		}
	}
	var ce configError
	switch {
	case out.code == exitInterrupted:
		e.Status = statusInterrupted
	case out.code == exitUnreachable:
		e.Status = statusUnreachable
	case errors.As(out.err, &ce):
		e.Status = statusConfigError
	case out.err != nil || out.code == exitCheckErrors || out.code == exitWriteFailed:
		e.Status = statusErrors
	case e.Counts != nil && e.Counts.P1+e.Counts.P2+e.Counts.P3 > 0:
		e.Status = statusFindings
	default:
		e.Status = statusOK
	}
	return e
}

func seconds(d time.Duration) float64 { return float64(d.Milliseconds()) / 1000 }
