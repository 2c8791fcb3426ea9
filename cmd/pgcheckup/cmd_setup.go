package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/setup"
)

// setupFlags are the flags of `pgcheckup setup`.
type setupFlags struct {
	apply, uninstall, help bool
	host, user, dbname     string
	port                   int
}

func addSetupFlags(fs *flag.FlagSet, f *setupFlags) {
	fs.BoolVar(&f.apply, "apply", false, "run the SQL over the connection (an admin's: it creates a role and a schema) instead of printing it")
	fs.BoolVar(&f.uninstall, "uninstall", false, "the SQL that removes what setup created (the role ROLE stays)")
	for _, n := range []string{"h", "host"} {
		fs.StringVar(&f.host, n, "", "database server `host` or host:port")
	}
	for _, n := range []string{"p", "port"} {
		fs.IntVar(&f.port, n, 0, "database server `port`")
	}
	for _, n := range []string{"U", "username"} {
		fs.StringVar(&f.user, n, "", "admin user `name` (with --apply)")
	}
	for _, n := range []string{"d", "dbname"} {
		fs.StringVar(&f.dbname, n, "", "database `name`: the helpers live in one database; run setup in each one pgcheckup checks")
	}
	fs.BoolVar(&f.help, "help", false, "show this help")
}

// cmdSetup prints, or with --apply runs, the SQL that prepares ROLE for `pgcheckup run`
// without superuser. It is pgcheckup's only write path; `run` never goes through it.
func cmdSetup(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var f setupFlags
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addSetupFlags(fs, &f)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: pgcheckup setup ROLE [--apply] [--uninstall] [flags] [CONNSTRING]\n\n"+
			"Prints the SQL that prepares ROLE for full results without superuser: pg_monitor, and\nhelper functions (%s) that read only what F004, F005 and L003 need.\n\nFlags:\n", setupVersionNote())
		fs.PrintDefaults()
	}
	// ROLE and CONNSTRING may come before, between or after the flags.
	var pos []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK, nil
			}
			return exitUsage, cfgErr("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if f.help {
		fs.Usage()
		return exitOK, nil
	}
	if len(pos) < 1 || len(pos) > 2 {
		return exitUsage, cfgErr("usage: pgcheckup setup ROLE [--apply] [--uninstall] [connection flags] [CONNSTRING]")
	}
	role := pos[0]
	script, err := setup.Install(role)
	if f.uninstall {
		script, err = setup.Uninstall(role)
	}
	if err != nil {
		return exitUsage, cfgErr("%v", err)
	}
	if !f.apply {
		fmt.Fprintf(stdout, "-- pgcheckup helpers %s\n%s", setupVersionNote(), script)
		return exitOK, nil
	}
	c := &Config{Port: f.port, Username: f.user, DBName: f.dbname}
	if len(pos) == 2 {
		c.Connection = pos[1]
	}
	if f.host != "" {
		c.Hosts = []string{f.host}
	}
	pc, err := nodeConfig("the admin connection", connStrings(c)[0].cs, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return exitUsage, err
	}
	conn, err := pgx.ConnectConfig(ctx, pc)
	if err != nil {
		return exitUnreachable, unreachableError{err.Error()}
	}
	defer conn.Close(ctx)
	if err := setup.Apply(ctx, conn, role, f.uninstall); err != nil {
		return exitCheckErrors, err
	}
	what := "installed helpers " + setupVersionNote() + " for role " + role
	if f.uninstall {
		what = "removed the helpers"
	}
	fmt.Fprintf(stdout, "%s in database %s\n", what, strings.TrimSpace(pc.Database))
	return exitOK, nil
}

func setupVersionNote() string {
	return fmt.Sprintf("version %d", setup.Version)
}

// explainHelpers tells, under a check's documentation, what it needs for full results
// as a role that is not a superuser.
func explainHelpers(w io.Writer, m checks.Meta) {
	if !slices.Contains(m.Requires, checks.NeedHelpers) {
		return
	}
	fmt.Fprintf(w, "\n## Full results without superuser\n\nA role that is not a superuser sees only part of what %s reads (pg_stats and pg_sequences\n"+
		"hide what it may not SELECT). An admin runs once, in each database checked:\n\n    pgcheckup setup ROLE --apply [connection flags]\n\n"+
		"It grants pg_monitor and installs helper functions (%s) that show\n%s what it needs and nothing more; %s says when it used them. See docs/least-privilege.md.\n",
		m.ID, setupVersionNote(), m.ID, m.ID)
}
