package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/upload"
)

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// durationFlag is a duration flag that refuses what no timeout can mean (see
// parseDuration), so a bad value is a usage error naming the flag.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil || *f.d == 0 {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*f.d = v
	return nil
}

// splitList turns "A002,H002" and repeated flags into one list.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// runFlags parses the flags of `pgcheckup run` on top of the config file's values.
type runFlags struct {
	fs                               *flag.FlagSet
	config                           string
	hosts, checks, skip, format      listFlag
	dbs, excludeDBs                  listFlag
	maxDatabases, parallelNodes      int
	port                             int
	user, project, out, queryText    string
	stmtTimeout, lockTimeout, connTO time.Duration
	checkTimeout, window             time.Duration
	failOn                           string
	releases                         string
	quiet, verbose, anonymize, round bool
	allowRaw, preciseBloat, help     bool
	definitionLiterals, discover     bool
	upload                           bool
	up                               uploadOptions
	discoverPort                     int
	hostRAM                          string
	hostCPUs                         int
	fleet                            fleetFlags
}

func newRunFlags(stderr io.Writer) *runFlags {
	f := &runFlags{fs: flag.NewFlagSet("run", flag.ContinueOnError)}
	fs := f.fs
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "TOML configuration `file`")
	for _, n := range []string{"h", "host"} {
		fs.Var(&f.hosts, n, "database server `host` or host:port (repeat for each node: primary and replicas)")
	}
	for _, n := range []string{"p", "port"} {
		fs.IntVar(&f.port, n, 0, "database server `port`")
	}
	for _, n := range []string{"U", "username"} {
		fs.StringVar(&f.user, n, "", "database user `name`")
	}
	for _, n := range []string{"d", "dbname"} {
		fs.Var(&f.dbs, n, "database `name`: database-scoped checks look only at the databases given (repeat; default every database); the first is where each node's session connects")
	}
	fs.Var(&f.excludeDBs, "exclude-db", "leave out the databases matching this glob `pattern` (repeat)")
	fs.IntVar(&f.maxDatabases, "max-databases", 0, "check at most `n` databases per node (default 200; the report counts the rest)")
	fs.IntVar(&f.parallelNodes, "parallel-nodes", 0, "check at most `n` nodes at once (default 4)")
	fs.BoolVar(&f.discover, "discover", false, "also check the standbys the nodes list in pg_stat_replication, with the same credentials")
	fs.IntVar(&f.discoverPort, "discover-port", 0, "`port` the discovered standbys listen on (default: their upstream's port)")
	fs.StringVar(&f.project, "project", "", "project `name`: reports go to OUT/NAME/TIMESTAMP (default \"default\")")
	fs.StringVar(&f.out, "out", "", "output `dir` (default ./artifacts); '-' prints the JSON report to stdout")
	fs.Var(&f.checks, "checks", "run only these check `IDs` (comma-separated)")
	fs.Var(&f.skip, "skip", "skip these check `IDs` (comma-separated)")
	fs.Var(&f.format, "format", "output `formats`: json,md,html,platform (default json,md,html; platform: the Postgres.ai platform's per-check JSON)")
	fs.BoolVar(&f.upload, "upload", false, "upload the report to the Postgres.ai platform once written (token from $"+upload.TokenEnv+" or token_file; see `pgcheckup upload -help`)")
	fs.StringVar(&f.up.APIURL, "api-url", "", "with --upload: platform API `URL`")
	fs.StringVar(&f.up.CAFile, "ca-file", "", "with --upload: PEM `file` of certificates to trust besides the system's")
	fs.BoolVar(&f.up.InsecureHTTP, "insecure-http", false, "with --upload: allow a plain http API URL on localhost")
	fs.BoolVar(&f.up.WithMarkdown, "with-markdown", false, "with --upload: also send md/<ID>.md of each check")
	fs.BoolVar(&f.up.DryRun, "dry-run", false, "with --upload: print what would be sent; send nothing")
	fs.Var(durationFlag{&f.up.Timeout}, "request-timeout", "with --upload: time limit of one request, a `duration` (default 60s)")
	// Durations are 1ms to about 24 days: 0 is refused rather than meaning "no limit".
	fs.Var(durationFlag{&f.stmtTimeout}, "statement-timeout", "statement_timeout of the session, a `duration` of 1ms or more (default 30s)")
	fs.Var(durationFlag{&f.lockTimeout}, "lock-timeout", "lock_timeout of the session, a `duration` of 1ms or more (default 100ms)")
	fs.Var(durationFlag{&f.connTO}, "connect-timeout", "connection timeout per node, a `duration` of 1ms or more (default 10s)")
	fs.Var(durationFlag{&f.checkTimeout}, "check-timeout", "time limit of one check on one node, a `duration` of 1ms or more (default 2m)")
	fs.Var(durationFlag{&f.window}, "window", "measure the workload over this `duration`: snapshot pg_stat_statements at the start, wait it out after the checks, snapshot again (Ctrl-C ends it early); without it, the delta against the previous run")
	fs.StringVar(&f.queryText, "query-text", "", "query texts in the report: normalized (default), none, raw")
	fs.BoolVar(&f.allowRaw, "allow-raw-query-text", false, "allow --query-text raw (texts then hold literals: data, secrets)")
	fs.BoolVar(&f.definitionLiterals, "definition-literals", false, "show the literals of index predicates, CHECK constraints, expressions and defaults (they may hold data)")
	fs.BoolVar(&f.anonymize, "anonymize", false, "replace object, role and application names by stable pseudonyms")
	fs.BoolVar(&f.round, "round-counts", false, "round row-count estimates to two significant digits")
	fs.BoolVar(&f.preciseBloat, "precise-bloat", false, "measure bloat of the top candidates with pgstattuple (reads their pages)")
	fs.StringVar(&f.failOn, "fail-on", "", "exit 5 when findings of this `severity` or worse exist: P1, P2 or P3 (errors keep their own exit codes)")
	fs.StringVar(&f.releases, "releases", "", "release table `file` for A002 and A013, newer than the built-in one (JSON, see the README)")
	fs.StringVar(&f.hostRAM, "host-ram", "", "RAM of the database host, e.g. 64GB (SQL cannot read it)")
	fs.IntVar(&f.hostCPUs, "host-cpus", 0, "CPU count of the database host")
	for _, n := range []string{"q", "quiet"} {
		fs.BoolVar(&f.quiet, n, false, "only warnings and errors on stderr")
	}
	for _, n := range []string{"v", "verbose"} {
		fs.BoolVar(&f.verbose, n, false, "debug logging on stderr")
	}
	addFleetFlags(fs, &f.fleet)
	fs.BoolVar(&f.help, "help", false, "show this help")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: pgcheckup run [flags] [CONNSTRING]\n\nCONNSTRING is a libpq URI or keyword/value string; PG* variables and ~/.pgpass apply.\n\nFlags:")
		fs.PrintDefaults()
	}
	return f
}

// apply copies the flags that were given over cfg.
func (f *runFlags) apply(c *Config) {
	f.fs.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "h", "host":
			c.Hosts = splitList(f.hosts)
		case "p", "port":
			c.Port = f.port
		case "U", "username":
			c.Username = f.user
		case "d", "dbname":
			c.Databases, c.DBName = f.dbs, ""
		case "exclude-db":
			c.ExcludeDatabases = f.excludeDBs
		case "max-databases":
			c.MaxDatabases = f.maxDatabases
		case "parallel-nodes":
			c.ParallelNodes = f.parallelNodes
		case "discover":
			c.Discover = f.discover
		case "discover-port":
			c.DiscoverPort = f.discoverPort
		case "project":
			c.Project = f.project
		case "out":
			c.Out = f.out
		case "checks":
			c.Checks = splitList(f.checks)
		case "skip":
			c.Skip = splitList(f.skip)
		case "format":
			c.Format = splitList(f.format)
		case "statement-timeout":
			c.StatementTimeout.Duration = f.stmtTimeout
		case "lock-timeout":
			c.LockTimeout.Duration = f.lockTimeout
		case "connect-timeout":
			c.ConnectTimeout.Duration = f.connTO
		case "check-timeout":
			c.CheckTimeout.Duration = f.checkTimeout
		case "window":
			c.Window.Duration = f.window
		case "query-text":
			c.QueryText = f.queryText
		case "allow-raw-query-text":
			c.AllowRawQueries = f.allowRaw
		case "definition-literals":
			c.DefinitionLiterals = f.definitionLiterals
		case "anonymize":
			c.Anonymize = f.anonymize
		case "round-counts":
			c.RoundCounts = f.round
		case "precise-bloat":
			c.PreciseBloat = f.preciseBloat
		case "fail-on":
			c.FailOn = f.failOn
		case "releases":
			c.Releases = f.releases
		case "host-ram":
			c.Host.RAM = f.hostRAM
		case "host-cpus":
			c.Host.CPUs = f.hostCPUs
		}
	})
}
