package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// readyMarker is written into a kept cluster's folder once its owner has filled it
// (MarkReady): a folder without it is a half-built cluster and is built again.
const readyMarker = "ready"

// Kept starts a cluster whose folder (data, socket, log) lives at dir and is kept after
// Stop, so that a slow-to-build database (the benchmark's catalogs) is built once and
// reused. When dir holds a cluster marked ready it is started as it is and fresh is
// false; otherwise whatever is there is removed, a new cluster is initialized with opts
// and fresh is true: fill it, then call MarkReady. Stop it (not Destroy) to keep it.
func Kept(ctx context.Context, dir string, opts Options) (c *Cluster, fresh bool, err error) {
	major := opts.Major
	if major == 0 {
		major = MajorFromEnv()
	}
	bin, err := BinDir(major)
	if err != nil {
		return nil, false, err
	}
	u, err := serverUser()
	if err != nil {
		return nil, false, err
	}
	c = &Cluster{Bin: bin, Dir: dir, user: u, settings: opts.Settings}
	if _, err := os.Stat(filepath.Join(dir, readyMarker)); err == nil {
		if err := c.readVersion(); err != nil {
			return nil, false, err
		}
		// A benchmark killed before it stopped the server leaves it running: stop it
		// (an error only means none runs). A server killed itself leaves a stale pid
		// file, which pg_ctl copes with; recovery replays what the WAL holds.
		_ = c.run("pg_ctl", "-D", c.DataDir(), "-m", "fast", "-w", "-t", "60", "stop")
		if err := c.startOnFreePort(ctx); err != nil {
			return nil, false, fmt.Errorf("start kept cluster %s: %w", dir, err)
		}
		return c, false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, false, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, false, err
	}
	// The server user must reach dir through its parents (CacheDir is 0755).
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		if p == filepath.Clean(CacheDir()) {
			break
		}
		_ = os.Chmod(p, 0o755)
	}
	if err := u.chown(dir); err != nil {
		return nil, false, err
	}
	if err := c.initdb(opts); err != nil {
		return nil, false, err
	}
	if err := c.startOnFreePort(ctx); err != nil {
		return nil, false, err
	}
	return c, true, nil
}

// MarkReady records that a kept cluster is complete: the next Kept reuses it.
func (c *Cluster) MarkReady() error {
	return os.WriteFile(filepath.Join(c.Dir, readyMarker), nil, 0o644)
}

// readVersion fills Major and Version from the binaries, as initdb does for a new one.
func (c *Cluster) readVersion() error {
	out, err := c.user.command(filepath.Join(c.Bin, "postgres"), "--version").Output()
	if err != nil {
		return fmt.Errorf("postgres --version: %w", err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return fmt.Errorf("cannot read version from %q", out)
	}
	c.Major, _ = strconv.Atoi(m[1])
	c.Version = strings.TrimPrefix(m[0], "(PostgreSQL) ")
	return nil
}

// PostmasterPID is the server's main process id, from postmaster.pid.
func (c *Cluster) PostmasterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(c.DataDir(), "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(line))
}
