package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/pipeline"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/platform"
	"github.com/pgcheckup/pgcheckup/report"
)

type unreachableError struct{ msg string }

func (e unreachableError) Error() string { return e.msg }

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	f := newRunFlags()
	if err := singleDashLong(f.fs, args); err != nil {
		return exitUsage, err
	}
	if err := f.fs.Parse(args); err != nil {
		return exitUsage, cfgErr("run: %v (see 'pgcheckup run --help')", err)
	}
	if f.help {
		f.usage(stdout)
		return exitOK, nil
	}
	cfg := defaults()
	if f.config != "" {
		if err := loadFile(f.config, &cfg); err != nil {
			return exitUsage, err
		}
	}
	cfg.warnDeprecated(newLogger(stderr, f.quiet, f.verbose))
	if cfg.isFleet() || len(f.fleet.clusters) > 0 {
		return cmdFleet(ctx, f, cfg, stdout, stderr)
	}
	f.apply(&cfg)
	switch f.fs.NArg() {
	case 0:
	case 1:
		cfg.Connection = f.fs.Arg(0)
	default:
		return exitUsage, cfgErr("run takes at most one connection string, got %d arguments", f.fs.NArg())
	}
	if err := cfg.validate(); err != nil {
		return exitUsage, err
	}
	toStdout, err := stdoutFormat(&cfg, f.fs.Changed("format"))
	if err != nil {
		return exitUsage, err
	}
	if f.upload {
		if err := prepareUpload(&cfg, &f.up); err != nil {
			return exitUsage, err
		}
	}
	// Every [checks.*] section is decoded and validated, also of checks this run skips:
	// the file is wrong whichever checks run.
	list, err := cfg.prepareChecks()
	if err != nil {
		return exitUsage, err
	}
	o := runIO{stdout: stdout, stderr: stderr, quiet: f.quiet, verbose: f.verbose, progress: true,
		summary: f.summary, toStdout: toStdout}
	if f.password {
		if o.password, err = promptPassword(passwordInput, stderr); err != nil {
			return exitUsage, err
		}
	}
	out := runCluster(ctx, &cfg, list, o)
	if out.err != nil || out.dir == "" {
		return out.code, out.err
	}
	code := out.code
	if f.upload {
		if out.rep.Interrupted {
			out.log.Warn("not uploaded: the run was interrupted, so the report is incomplete", "dir", out.dir)
			return code, nil
		}
		// The report is on disk whatever the upload does; a file not delivered is exit 6,
		// over 0, 1 and 5 (`pgcheckup upload DIR` sends what is missing later).
		if up := uploadDir(ctx, f.up, out.dir, stderr, stderr); up != exitOK {
			return up, nil
		}
	}
	return code, nil
}

// prepareChecks decodes the [checks.*] sections into a fresh set of checks and applies
// --checks and --skip. Each cluster of a fleet gets its own set: settings live in them.
func (c *Config) prepareChecks() ([]checks.Check, error) {
	registry := all.Checks()
	if err := c.decodeChecks(registry); err != nil {
		return nil, err
	}
	return selectChecks(registry, c.Checks, c.Skip)
}

// runIO is where one cluster's run writes: the report folder (or JSON with --out -) to
// stdout, logs and the progress bar to stderr.
type runIO struct {
	stdout, stderr io.Writer
	quiet, verbose bool
	progress       bool  // a bar on a terminal; a fleet shows none
	logAttrs       []any // added to every log line (the fleet's cluster name)
	summary        bool  // --summary: the summary on stderr even when it is not a terminal
	toStdout       string
	password       string // from -W, for every node
}

// clusterOutcome is what one cluster's run left: its exit code, the error behind it, the
// report folder ("" when none was written) and the report.
type clusterOutcome struct {
	code int
	err  error
	dir  string
	rep  *report.Report
	log  *slog.Logger
	san  *privacy.Sanitizer // nil before it was built: the error then holds no data
}

// runCluster checks one cluster with a validated configuration and its prepared checks,
// and writes its report: what `run` does for one cluster and a fleet for each of its.
func runCluster(ctx context.Context, cfg *Config, list []checks.Check, o runIO) clusterOutcome {
	log := newLogger(o.stderr, o.quiet, o.verbose).With(o.logAttrs...)
	var sanitizer *privacy.Sanitizer
	fail := func(code int, err error) clusterOutcome {
		return clusterOutcome{code: code, err: err, log: log, san: sanitizer}
	}
	outBase := cfg.Out
	if outBase == "-" {
		outBase = defaults().Out
	} else if err := probeOutDir(filepath.Join(outBase, cfg.Project)); err != nil {
		// Found now, not after every check ran.
		return fail(exitUsage, err)
	} else {
		unlock, err := lockProject(ctx, filepath.Join(outBase, cfg.Project), cfg.LockWait.Duration, log)
		if err != nil {
			return fail(lockExit(err), err)
		}
		defer unlock()
	}
	policy, err := cfg.policy(filepath.Join(outBase, cfg.Project, "anonymize.key"))
	if err != nil {
		return fail(exitUsage, err)
	}
	if sanitizer, err = privacy.New(policy); err != nil {
		return fail(exitUsage, err)
	}
	// From here on every log line passes the privacy rules, as the report does.
	log = slog.New(privacy.LogHandler(log.Handler(), sanitizer, "dir"))
	if cfg.QueryText == privacy.QueryRaw {
		log.Warn("RAW QUERY TEXTS: this report will hold query texts with their literals, which may contain data and secrets")
	}
	tg, err := targets(cfg, log)
	if err != nil {
		return fail(exitUsage, err)
	}
	if o.password != "" {
		usePassword(tg, o.password)
	}
	bar := &progressBar{w: o.stderr, quiet: o.quiet || !o.progress, log: log}
	wl, kept := workloadOptions(cfg.Window.Duration, filepath.Join(outBase, cfg.Project))
	defer holdMemory(nodesAtOnce(len(tg), cfg.ParallelNodes, cfg.Discover))()
	rep, err := pipeline.Run(ctx, pipeline.Config{
		Project:     cfg.Project,
		ToolVersion: toolVersion(),
		Targets:     tg,
		Session: session.Options{
			StatementTimeout: cfg.StatementTimeout.Duration,
			LockTimeout:      cfg.LockTimeout.Duration,
			ConnectTimeout:   cfg.ConnectTimeout.Duration,
		},
		CheckTimeout:    cfg.CheckTimeout.Duration,
		Databases:       cfg.databaseFilter(),
		NodeParallelism: cfg.ParallelNodes,
		Discover:        pipeline.Discover{Enabled: cfg.Discover, Port: cfg.DiscoverPort},
		Workload:        wl,
		Checks:          list,
		Host:            cfg.hostFacts(),
		PreciseBloat:    cfg.PreciseBloat,
		Sanitizer:       sanitizer,
		Options: report.Options{QueryText: cfg.QueryText, Anonymized: cfg.Anonymize,
			RoundCounts: cfg.RoundCounts, Masked: len(cfg.Mask) > 0, DefinitionLiterals: cfg.DefinitionLiterals},
		Log:      log,
		Progress: bar,
	})
	bar.finish()
	if errors.Is(err, pipeline.ErrNoNodeReachable) && rep != nil {
		return fail(exitUnreachable, unreachable(rep.Nodes))
	}
	if errors.Is(err, pipeline.ErrNoNodeReachable) {
		return fail(exitUnreachable, unreachableError{err.Error()})
	}
	if err != nil {
		return fail(exitCheckErrors, err)
	}
	reachable := 0
	for _, n := range rep.Nodes {
		if n.Error == "" {
			reachable++
		}
	}
	code := exitOK
	if rep.Errors() > 0 || reachable < len(rep.Nodes) {
		code = exitCheckErrors
	}
	if rep.Interrupted {
		// The report of what ran is still written, marked interrupted.
		log.Warn("run interrupted: checks not run are marked so in the report", "cause", context.Cause(ctx))
		code = exitInterrupted
	}
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			if r.Status == checks.StatusError {
				log.Warn("check failed", "check", c.ID, "node", r.Node, "reason", sanitizer.Message(r.Reason))
			}
		}
	}
	if cfg.Out == "-" {
		return clusterOutcome{code: gate(code, rep, cfg.FailOn, log), err: writeStdout(o.stdout, rep, o.toStdout), rep: rep, log: log, san: sanitizer}
	}
	attachChanges(rep, filepath.Join(outBase, cfg.Project), sanitizer.Message, log)
	dir, err := report.WriteRun(outBase, rep, cfg.Format)
	if err != nil {
		// The checks ran, but nothing that looks like a report was left behind.
		return clusterOutcome{code: exitWriteFailed, err: fmt.Errorf("checks ran but the report could not be written: %w", err), rep: rep, log: log, san: sanitizer}
	}
	if err := kept.write(dir); err != nil {
		log.Warn("the workload snapshots were not kept: the next run cannot compare with this one", "error", err)
	}
	if slices.Contains(cfg.Format, report.FormatPlatform) { // platform/<ID>.json, from report.json
		if err := platform.ExportDir(dir, o.stderr); err != nil {
			return clusterOutcome{code: exitWriteFailed, err: fmt.Errorf("report written to %s, but not all its platform files: %w", dir, err), dir: dir, rep: rep, log: log, san: sanitizer}
		}
	}
	tidyHistory(filepath.Join(outBase, cfg.Project), dir, cfg.Keep, rep.Interrupted, log)
	log.Info("report written", "dir", dir, "P1", rep.Count(checks.P1), "P2", rep.Count(checks.P2),
		"P3", rep.Count(checks.P3), "errors", rep.Errors())
	fmt.Fprintln(o.stdout, dir)
	// A fleet (no progress bar either) writes its index instead of a summary per cluster.
	if o.progress && wantSummary(o.stderr, o.summary, o.quiet) {
		writeSummary(o.stderr, rep, dir, cfg.Format)
	}
	return clusterOutcome{code: gate(code, rep, cfg.FailOn, log), dir: dir, rep: rep, log: log, san: sanitizer}
}

func newLogger(w io.Writer, quiet, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelWarn
	}
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// selectChecks applies --checks and --skip, refusing IDs that do not exist.
func selectChecks(list []checks.Check, only, skip []string) ([]checks.Check, error) {
	known := map[string]bool{}
	for _, c := range list {
		known[c.Meta().ID] = true
	}
	norm := func(ids []string) ([]string, error) {
		var out []string
		for _, id := range ids {
			id = strings.ToUpper(id)
			if !known[id] {
				return nil, cfgErr("unknown check %q (see 'pgcheckup list')", id)
			}
			out = append(out, id)
		}
		return out, nil
	}
	only, err := norm(only)
	if err != nil {
		return nil, err
	}
	if skip, err = norm(skip); err != nil {
		return nil, err
	}
	var out []checks.Check
	for _, c := range list {
		id := c.Meta().ID
		if (len(only) == 0 || slices.Contains(only, id)) && !slices.Contains(skip, id) {
			out = append(out, c)
		}
	}
	return out, nil
}
