package main

import (
	"context"
	"errors"
	"flag"
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
	f := newRunFlags(stderr)
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, nil
		}
		return exitUsage, cfgErr("%v", err)
	}
	if f.help {
		f.fs.Usage()
		return exitOK, nil
	}
	cfg := defaults()
	if f.config != "" {
		if err := loadFile(f.config, &cfg); err != nil {
			return exitUsage, err
		}
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
	if f.upload {
		if err := prepareUpload(&cfg, &f.up); err != nil {
			return exitUsage, err
		}
	}
	log := newLogger(stderr, f.quiet, f.verbose)
	cfg.warnDeprecated(log)
	// Every [checks.*] section is decoded and validated, also of checks this run skips:
	// the file is wrong whichever checks run.
	registry := all.Checks()
	if err := cfg.decodeChecks(registry); err != nil {
		return exitUsage, err
	}
	list, err := selectChecks(registry, cfg.Checks, cfg.Skip)
	if err != nil {
		return exitUsage, err
	}
	outBase := cfg.Out
	if outBase == "-" {
		outBase = defaults().Out
	} else if err := probeOutDir(filepath.Join(outBase, cfg.Project)); err != nil {
		// Found now, not after every check ran.
		return exitUsage, err
	}
	policy, err := cfg.policy(filepath.Join(outBase, cfg.Project, "anonymize.key"))
	if err != nil {
		return exitUsage, err
	}
	sanitizer, err := privacy.New(policy)
	if err != nil {
		return exitUsage, err
	}
	// From here on every log line passes the privacy rules, as the report does.
	log = slog.New(privacy.LogHandler(log.Handler(), sanitizer, "dir"))
	if cfg.QueryText == privacy.QueryRaw {
		log.Warn("RAW QUERY TEXTS: this report will hold query texts with their literals, which may contain data and secrets")
	}
	tg, err := targets(&cfg, log)
	if err != nil {
		return exitUsage, err
	}
	bar := &progressBar{w: stderr, quiet: f.quiet, log: log}
	wl, kept := workloadOptions(cfg.Window.Duration, filepath.Join(outBase, cfg.Project))
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
	if errors.Is(err, pipeline.ErrNoNodeReachable) {
		return exitUnreachable, unreachableError{err.Error()}
	}
	if err != nil {
		return exitCheckErrors, err
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
		return gate(code, rep, cfg.FailOn, log), rep.Write(stdout)
	}
	dir, err := report.WriteRun(outBase, rep, cfg.Format)
	if err != nil {
		// The checks ran, but nothing that looks like a report was left behind.
		return exitWriteFailed, fmt.Errorf("checks ran but the report could not be written: %w", err)
	}
	if err := kept.write(dir); err != nil {
		log.Warn("the workload snapshots were not kept: the next run cannot compare with this one", "error", err)
	}
	if slices.Contains(cfg.Format, report.FormatPlatform) { // platform/<ID>.json, from report.json
		if err := platform.ExportDir(dir, stderr); err != nil {
			return exitWriteFailed, fmt.Errorf("report written to %s, but not all its platform files: %w", dir, err)
		}
	}
	log.Info("report written", "dir", dir, "P1", rep.Count(checks.P1), "P2", rep.Count(checks.P2),
		"P3", rep.Count(checks.P3), "errors", rep.Errors())
	fmt.Fprintln(stdout, dir)
	code = gate(code, rep, cfg.FailOn, log)
	if f.upload {
		if rep.Interrupted {
			log.Warn("not uploaded: the run was interrupted, so the report is incomplete", "dir", dir)
			return code, nil
		}
		// The report is on disk whatever the upload does; a file not delivered is exit 6,
		// over 0, 1 and 5 (`pgcheckup upload DIR` sends what is missing later).
		if up := uploadDir(ctx, f.up, dir, stderr, stderr); up != exitOK {
			return up, nil
		}
	}
	return code, nil
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
