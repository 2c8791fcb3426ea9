package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/upload"
	"github.com/spf13/pflag"
)

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Type() string   { return "list" }
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
	// 2m rather than Go's 2m0s, as a user would write it.
	v := f.d.String()
	if strings.HasSuffix(v, "m0s") {
		v = strings.TrimSuffix(v, "0s")
	}
	if strings.HasSuffix(v, "h0m") {
		v = strings.TrimSuffix(v, "0m")
	}
	return v
}

func (f durationFlag) Type() string { return "duration" }

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
//
// The command line is parsed by github.com/spf13/pflag rather than Go's flag: it has
// the GNU semantics DBAs' fingers know from psql and pg_dump (-h HOST and --host=HOST,
// -qv, flags after the connection string), it is small, has no dependencies and is
// what kubectl and cobra parse with, and it stays a flag set: no framework takes over
// main. Single-dash long flags (-project) are refused: -p would otherwise be ambiguous.
type runFlags struct {
	fs                               *pflag.FlagSet
	groups                           []flagGroup
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
	password, summary                bool
	hist                             historyFlags
	fleet                            fleetFlags
}

// flagGroup is one heading of the help and the flags listed under it.
type flagGroup struct {
	title string
	fs    *pflag.FlagSet
}

// group returns a new flag set whose flags the help lists under title.
func (f *runFlags) group(title string) *pflag.FlagSet {
	g := pflag.NewFlagSet(title, pflag.ContinueOnError)
	g.SortFlags = false
	f.groups = append(f.groups, flagGroup{title, g})
	return g
}

func newRunFlags() *runFlags {
	f := &runFlags{fs: newFlagSet("run")}
	fs := f.fs
	d := defaults()

	g := f.group("Connection options")
	g.VarP(&f.hosts, "host", "h", "database server `host` or host:port (repeat for each node: primary and replicas; NAME=HOST names a node)")
	g.IntVarP(&f.port, "port", "p", 0, "database server `port` (default: PGPORT, else 5432)")
	g.StringVarP(&f.user, "username", "U", "", "database user `name` (default: PGUSER, else the login name)")
	g.VarP(&f.dbs, "dbname", "d", "database `name`: database-scoped checks look only at the databases given (repeat; default every database); the first is where each node's session connects")
	g.BoolVarP(&f.password, "password", "W", false, "prompt for the password (without echo; needs a terminal)")
	f.connTO = d.ConnectTimeout.Duration
	g.Var(durationFlag{&f.connTO}, "connect-timeout", "connection timeout per node, a `duration` of 1ms or more")
	g.BoolVar(&f.discover, "discover", false, "also check the standbys the nodes list in pg_stat_replication, with the same credentials")
	g.IntVar(&f.discoverPort, "discover-port", 0, "`port` the discovered standbys listen on (default: their upstream's port)")
	g.IntVar(&f.parallelNodes, "parallel-nodes", 4, "check at most `n` nodes at once")

	g = f.group("Output options")
	g.StringVar(&f.out, "out", d.Out, "output `dir`; '-' prints the report to stdout (JSON, or the one format of --format: json, md or html)")
	g.StringVar(&f.project, "project", d.Project, "project `name`: reports go to OUT/NAME/TIMESTAMP")
	f.format = append(listFlag(nil), d.Format...)
	g.Var(&f.format, "format", "output `formats`: json,md,html,pdf,platform (pdf: report.html printed by headless Chromium; platform: the Postgres.ai platform's per-check JSON)")
	g.StringVar(&f.failOn, "fail-on", "", "exit 5 when findings of this `severity` or worse exist: P1, P2 or P3 (errors keep their own exit codes)")
	addHistoryFlags(g, &f.hist)
	g.BoolVar(&f.summary, "summary", false, "print the summary of findings on stderr even when stderr is not a terminal (-q: never)")

	g = f.group("Check options")
	g.Var(&f.checks, "checks", "run only these check `IDs` (comma-separated)")
	g.Var(&f.skip, "skip", "skip these check `IDs` (comma-separated)")
	g.Var(&f.excludeDBs, "exclude-db", "leave out the databases matching this glob `pattern` (repeat)")
	g.IntVar(&f.maxDatabases, "max-databases", 200, "check at most `n` databases per node (the report counts the rest)")
	// Durations are 1ms to about 24 days: 0 is refused rather than meaning "no limit".
	f.stmtTimeout, f.lockTimeout, f.checkTimeout = d.StatementTimeout.Duration, d.LockTimeout.Duration, d.CheckTimeout.Duration
	g.Var(durationFlag{&f.stmtTimeout}, "statement-timeout", "statement_timeout of the session, a `duration` of 1ms or more")
	g.Var(durationFlag{&f.lockTimeout}, "lock-timeout", "lock_timeout of the session, a `duration` of 1ms or more")
	g.Var(durationFlag{&f.checkTimeout}, "check-timeout", "time limit of one check on one node, a `duration` of 1ms or more")
	g.Var(durationFlag{&f.window}, "window", "measure the workload over this `duration`: snapshot pg_stat_statements at the start, wait it out after the checks, snapshot again (Ctrl-C ends it early); without it, the delta against the previous run")
	g.BoolVar(&f.preciseBloat, "precise-bloat", false, "measure bloat of the top candidates with pgstattuple (reads their pages)")
	g.StringVar(&f.releases, "releases", "", "release table `file` for A002 and A013, newer than the built-in one (JSON, see the README)")
	g.StringVar(&f.hostRAM, "host-ram", "", "`RAM` of the database host, e.g. 64GB (SQL cannot read it)")
	g.IntVar(&f.hostCPUs, "host-cpus", 0, "CPU `count` of the database host")
	addFleetFlags(g, &f.fleet)
	g.StringVar(&f.config, "config", "", "TOML configuration `file` (flags override it)")

	g = f.group("Privacy options")
	g.StringVar(&f.queryText, "query-text", d.QueryText, "query texts in the report, a `mode`: normalized, none, raw")
	g.BoolVar(&f.allowRaw, "allow-raw-query-text", false, "allow --query-text raw (texts then hold literals: data, secrets)")
	g.BoolVar(&f.definitionLiterals, "definition-literals", false, "show the literals of index predicates, CHECK constraints, expressions and defaults (they may hold data)")
	g.BoolVar(&f.anonymize, "anonymize", false, "replace object, role and application names by stable pseudonyms")
	g.BoolVar(&f.round, "round-counts", false, "round row-count estimates to two significant digits")

	g = f.group("Upload options")
	g.BoolVar(&f.upload, "upload", false, "upload the report to the Postgres.ai platform once written (token from $"+upload.TokenEnv+" or token_file; see 'pgcheckup upload --help')")
	g.StringVar(&f.up.APIURL, "api-url", "", "with --upload: platform API `URL`")
	g.StringVar(&f.up.CAFile, "ca-file", "", "with --upload: PEM `file` of certificates to trust besides the system's")
	g.BoolVar(&f.up.InsecureHTTP, "insecure-http", false, "with --upload: allow a plain http API URL on localhost")
	g.BoolVar(&f.up.WithMarkdown, "with-markdown", false, "with --upload: also send md/<ID>.md of each check")
	g.BoolVar(&f.up.DryRun, "dry-run", false, "with --upload: print what would be sent; send nothing")
	f.up.Timeout = time.Minute
	g.Var(durationFlag{&f.up.Timeout}, "request-timeout", "with --upload: time limit of one request, a `duration`")

	g = f.group("Logging options")
	g.BoolVarP(&f.quiet, "quiet", "q", false, "only warnings and errors on stderr, and no summary")
	g.BoolVarP(&f.verbose, "verbose", "v", false, "debug logging on stderr")
	g.BoolVar(&f.help, "help", false, "show this help, then exit")

	for _, g := range f.groups {
		fs.AddFlagSet(g.fs)
	}
	// The fields held the built-in defaults only for the help to show them: apply
	// copies the flags given over the config file, and nothing else.
	f.stmtTimeout, f.lockTimeout, f.connTO, f.checkTimeout, f.up.Timeout = 0, 0, 0, 0, 0
	f.format = nil
	return f
}

// newFlagSet is a flag set that reports errors to its caller and prints nothing itself:
// help goes to stdout, errors to stderr, both by the command.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	return fs
}

// usage prints the help of run: the flags by group, each once with its default.
func (f *runFlags) usage(w io.Writer) {
	fmt.Fprint(w, "Usage: pgcheckup run [OPTION]... [CONNSTRING]\n\n"+
		"Checks a PostgreSQL cluster (read-only) and writes a report; prints the report's folder.\n"+
		"CONNSTRING is a libpq URI or keyword/value string; PG* variables and ~/.pgpass apply.\n")
	listed := map[string]bool{}
	for _, g := range f.groups {
		fmt.Fprintf(w, "\n%s:\n%s", g.title, g.fs.FlagUsagesWrapped(100))
		g.fs.VisitAll(func(fl *pflag.Flag) { listed[fl.Name] = true })
	}
	// Flags added to the main set by later code land here rather than nowhere.
	rest := newFlagSet("other")
	f.fs.VisitAll(func(fl *pflag.Flag) {
		if !listed[fl.Name] {
			rest.AddFlag(fl)
		}
	})
	if rest.HasFlags() {
		fmt.Fprintf(w, "\nOther options:\n%s", rest.FlagUsagesWrapped(100))
	}
}

// apply copies the flags that were given over cfg.
func (f *runFlags) apply(c *Config) {
	f.fs.Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "host":
			c.Hosts = splitList(f.hosts)
		case "port":
			c.Port = f.port
		case "username":
			c.Username = f.user
		case "dbname":
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
	f.hist.apply(c)
}
