package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/spf13/pflag"

	"github.com/pgcheckup/pgcheckup/report"
)

// exitLocked: another run of the same project held its lock for all of --lock-wait;
// this run checked nothing and wrote nothing.
const exitLocked = 7

// defaultLockWait bounds how long a run waits for another run of its project. Long
// enough for a scheduled run to queue behind a slow one, short enough that runs stuck
// behind a hung one do not pile up without end.
const defaultLockWait = 10 * time.Minute

// lockName is the lock file in OUT/PROJECT. It is never removed: removing a lock file
// another run has open would let a third run lock a new file of the same name.
const lockName = ".lock"

// Keep is --keep / `keep`: a number of report folders (3) or an age (30d, 12h).
type Keep struct{ report.Retention }

// parseKeep reads "3", "30d", "2w" or any Go duration ("36h"). Days and weeks are
// whole days of 24 hours: retention is about report age, not calendar days.
func parseKeep(s string) (Keep, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 {
			return Keep{}, fmt.Errorf("keep %q: keep at least 1 report (the one just written is always kept)", s)
		}
		return Keep{report.Retention{Count: n}}, nil
	}
	if s == "" {
		return Keep{}, fmt.Errorf("keep: empty; want a number of reports (3) or an age (30d, 2w, 36h)")
	}
	var d time.Duration
	unit := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour}
	if u, ok := unit[s[len(s)-1]]; ok && len(s) > 1 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil || n < 1 || n > 100000 {
			return Keep{}, fmt.Errorf("keep %q: want a number of reports (3) or an age (30d, 2w, 36h)", s)
		}
		d = time.Duration(n) * u
	} else {
		v, err := time.ParseDuration(s)
		if err != nil || v < time.Minute {
			return Keep{}, fmt.Errorf("keep %q: want a number of reports (3) or an age of a minute or more (30d, 2w, 36h)", s)
		}
		d = v
	}
	return Keep{report.Retention{Age: d}}, nil
}

// UnmarshalTOML takes `keep = 3` as well as `keep = "30d"`.
func (k *Keep) UnmarshalTOML(v any) error {
	var err error
	switch v := v.(type) {
	case int64:
		*k, err = parseKeep(strconv.FormatInt(v, 10))
	case string:
		if v == "" {
			return fmt.Errorf("keep: empty")
		}
		*k, err = parseKeep(v)
	default:
		return fmt.Errorf("keep: want a number of reports or an age such as \"30d\", got %v", v)
	}
	return err
}

func (k Keep) String() string {
	switch {
	case k.Count > 0:
		return strconv.Itoa(k.Count)
	case k.Age > 0:
		return k.Age.String()
	}
	return ""
}

// LockWait is --lock-wait / `lock_wait`: 0 means do not wait at all.
type LockWait struct{ time.Duration }

func parseLockWait(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 || v > maxDuration {
		return 0, fmt.Errorf("lock wait %q: want a duration from 0 (do not wait) to %s", s, maxDuration)
	}
	return v, nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (w *LockWait) UnmarshalText(b []byte) error {
	v, err := parseLockWait(string(b))
	w.Duration = v
	return err
}

// historyFlags are the flags of run about a project's history.
type historyFlags struct {
	keepSet, waitSet bool
	parsedKeep       Keep
	parsedWait       time.Duration
}

type funcValue struct {
	set func(string) error
	get func() string
}

func (v funcValue) Set(s string) error { return v.set(s) }
func (v funcValue) Type() string       { return "value" }
func (v funcValue) String() string {
	if v.get == nil {
		return ""
	}
	return v.get()
}

// addHistoryFlags adds --keep and --lock-wait to run's flags.
func addHistoryFlags(fs *pflag.FlagSet, h *historyFlags) {
	fs.Var(funcValue{set: func(s string) (err error) {
		h.parsedKeep, err = parseKeep(s)
		h.keepSet = true
		return err
	}, get: func() string { return h.parsedKeep.String() }}, "keep",
		"after the report is written, remove the project's older reports: keep the newest `n` (3) or those younger than an age (30d, 2w, 36h)")
	fs.Var(funcValue{set: func(s string) (err error) {
		h.parsedWait, err = parseLockWait(s)
		h.waitSet = true
		return err
	}}, "lock-wait",
		fmt.Sprintf("wait at most this `duration` for another run of the same project to finish (0: do not wait); then exit %d (default %s)", exitLocked, defaultLockWait))
}

// apply copies the history flags that were given over c.
func (h *historyFlags) apply(c *Config) {
	if h.keepSet {
		c.Keep = h.parsedKeep
	}
	if h.waitSet {
		c.LockWait.Duration = h.parsedWait
	}
}

// lockedError: another run holds the project's lock (exit 7).
type lockedError struct{ msg string }

func (e lockedError) Error() string { return e.msg }

// lockProject takes OUT/PROJECT/.lock for the whole run, so two runs of one project never
// write, prune or move `latest` at once, and their reports do not interleave in time. It
// waits up to wait for a run that holds it. The lock is flock(2): it dies with the
// process that held it, so a killed run never leaves a lock that blocks the next.
func lockProject(ctx context.Context, projectDir string, wait time.Duration, log *slog.Logger) (func(), error) {
	path := filepath.Join(projectDir, lockName)
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok && wait > 0 {
		log.Info("another run of this project is running; waiting for it", "lock", path, "up_to", wait.String())
		wctx, cancel := context.WithTimeout(ctx, wait)
		ok, err = l.TryLockContext(wctx, 200*time.Millisecond)
		cancel()
		if err != nil && ctx.Err() != nil {
			return nil, fmt.Errorf("waiting for the lock %s: %w", path, context.Cause(ctx))
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
	}
	if !ok {
		return nil, lockedError{fmt.Sprintf("another run of this project holds %s (still running after waiting %s); nothing was checked. "+
			"Runs of one project take turns: raise --lock-wait, or give concurrent runs different --project names", path, wait)}
	}
	return func() { l.Unlock() }, nil
}

// tidyHistory runs after a report was written completely: it removes the reports that
// keep does not keep (never dir, the one just written), then points `latest` at the
// newest. An interrupted run prunes nothing: its report is partial and must not push a
// complete one out. Failures here are warnings: the report is on disk.
func tidyHistory(projectDir, dir string, keep Keep, interrupted bool, log *slog.Logger) {
	if !interrupted {
		removed, err := report.Prune(projectDir, filepath.Base(dir), keep.Retention, time.Now())
		if len(removed) > 0 {
			log.Info("older reports removed", "keep", keep.String(), "removed", len(removed))
		}
		if err != nil {
			log.Warn("not every older report could be removed", "error", err)
		}
	}
	if _, err := report.UpdateLatest(projectDir); err != nil {
		log.Warn("latest was not updated", "dir", projectDir, "error", err)
	}
}

// lockExit is the exit code of a run that did not get its project's lock.
func lockExit(err error) int {
	var le lockedError
	if errors.As(err, &le) {
		return exitLocked
	}
	if errors.Is(err, errInterrupted) {
		return exitInterrupted
	}
	return exitUsage // the lock file cannot be made: as an output folder that is not writable
}
