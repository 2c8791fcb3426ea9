// Package pgtest starts throwaway PostgreSQL clusters for tests and the demo: a copy of a
// kept initdb (template.go) in a temporary folder, a free port on 127.0.0.1,
// pg_stat_statements preloaded, run as an unprivileged user when the caller is root, and
// removed afterwards.
package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the bootstrap superuser of every harness cluster. Authentication is
// trust on 127.0.0.1 only: the clusters are throwaway and listen nowhere else.
const Superuser = "postgres"

// Options shape a cluster.
type Options struct {
	Major    int               // 0: PGCHECKUP_PG_MAJOR, else whatever BinDir(0) finds
	Settings map[string]string // extra postgresql.conf lines, e.g. {"fsync": "off"}
	// NoPreload leaves shared_preload_libraries empty (pg_stat_statements is preloaded
	// by default).
	NoPreload bool
}

// Cluster is one running server.
type Cluster struct {
	Bin        string
	Dir        string // temporary folder holding data, socket and log
	Port       int
	Version    string // e.g. "17.10"
	Major      int
	user       osUser
	running    bool
	settings   map[string]string
	standbyOf  *Cluster
	standbyIDs int
}

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string { return filepath.Join(c.Dir, "data") }

// LogFile is the server's log.
func (c *Cluster) LogFile() string { return filepath.Join(c.Dir, "server.log") }

// MajorFromEnv is the major PGCHECKUP_PG_MAJOR asks for, or 0.
func MajorFromEnv() int {
	n, _ := strconv.Atoi(os.Getenv("PGCHECKUP_PG_MAJOR"))
	return n
}

// Start initializes and starts a cluster.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	major := opts.Major
	if major == 0 {
		major = MajorFromEnv()
	}
	bin, err := BinDir(major)
	if err != nil {
		return nil, err
	}
	u, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgcheckup-pg-")
	if err != nil {
		return nil, err
	}
	if err := u.chown(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c := &Cluster{Bin: bin, Dir: dir, user: u, settings: opts.Settings}
	if err := c.initdb(opts); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.startOnFreePort(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *Cluster) run(name string, args ...string) error {
	cmd := c.user.command(filepath.Join(c.Bin, name), args...)
	cmd.Dir = c.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

func (c *Cluster) initdb(opts Options) error {
	out, err := exec.Command(filepath.Join(c.Bin, "postgres"), "--version").Output()
	if err != nil {
		return fmt.Errorf("postgres --version: %w", err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return fmt.Errorf("cannot read version from %q", out)
	}
	c.Major, _ = strconv.Atoi(m[1])
	c.Version = strings.TrimPrefix(m[0], "(PostgreSQL) ")
	if err := c.copyTemplate(); err != nil {
		return err
	}
	conf := map[string]string{
		"listen_addresses":        "'127.0.0.1'",
		"unix_socket_directories": "'" + c.Dir + "'",
		"max_wal_senders":         "10",
		"wal_level":               "replica",
		"track_io_timing":         "on",
		"log_line_prefix":         "'%m [%p] %q%u@%d/%a '",
	}
	if !opts.NoPreload {
		conf["shared_preload_libraries"] = "'pg_stat_statements'"
	}
	for k, v := range opts.Settings {
		conf[k] = v
	}
	return c.appendConf(conf)
}

func (c *Cluster) appendConf(conf map[string]string) error {
	keys := make([]string, 0, len(conf))
	for k := range conf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	f, err := os.OpenFile(filepath.Join(c.DataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fmt.Fprintln(f, "\n# pgcheckup test harness")
	for _, k := range keys {
		if _, err := fmt.Fprintf(f, "%s = %s\n", k, c.quote(conf[k])); err != nil {
			return err
		}
	}
	return nil
}

// quote leaves numbers, booleans, units and already quoted values alone.
func (c *Cluster) quote(v string) string {
	if strings.HasPrefix(v, "'") || regexp.MustCompile(`^[A-Za-z0-9_.-]+$`).MatchString(v) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// FreePort is a TCP port on 127.0.0.1 nothing listens on right now (another process may
// take it before the caller does).
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (c *Cluster) startOnFreePort(ctx context.Context) error {
	var err error
	for range 5 {
		if c.Port, err = FreePort(); err != nil {
			return err
		}
		if err = c.start(ctx); err == nil {
			return nil
		}
		// Another process may have taken the port between Listen and start.
	}
	return err
}

func (c *Cluster) start(ctx context.Context) error {
	err := c.run("pg_ctl", "-D", c.DataDir(), "-l", c.LogFile(), "-w", "-t", "60",
		"-o", fmt.Sprintf("-p %d", c.Port), "start")
	if err != nil {
		log, _ := os.ReadFile(c.LogFile())
		return fmt.Errorf("%w\nserver log:\n%s", err, tail(string(log), 2000))
	}
	c.running = true
	return c.waitReady(ctx)
}

func (c *Cluster) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server on port %d not ready: %w", c.Port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Stop stops the server cleanly (fast shutdown). The folder stays until Remove.
func (c *Cluster) Stop() error {
	if !c.running {
		return nil
	}
	c.running = false
	return c.run("pg_ctl", "-D", c.DataDir(), "-m", "fast", "-w", "-t", "60", "stop")
}

// Restart stops and starts the server on the same port, e.g. after a settings change.
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.Stop(); err != nil {
		return err
	}
	return c.start(ctx)
}

// Destroy stops the server and removes its folder.
func (c *Cluster) Destroy() error {
	err := c.Stop()
	if rerr := os.RemoveAll(c.Dir); err == nil {
		err = rerr
	}
	return err
}

// ConnString is a keyword/value connection string for the superuser.
func (c *Cluster) ConnString(db string) string {
	return c.ConnStringAs(Superuser, db)
}

// ConnStringAs is a keyword/value connection string for role on db.
func (c *Cluster) ConnStringAs(role, db string) string {
	return fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=%s sslmode=disable", c.Port, role, db)
}

// Exec runs SQL (several statements allowed) as the superuser on db.
func (c *Cluster) Exec(ctx context.Context, db, sql string) error {
	conn, err := pgx.Connect(ctx, c.ConnString(db))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("exec on %s: %w", db, err)
	}
	return nil
}

// Connect opens a superuser connection to db, for fixtures that need a held session.
func (c *Cluster) Connect(ctx context.Context, db string) (*pgx.Conn, error) {
	return pgx.Connect(ctx, c.ConnString(db))
}
