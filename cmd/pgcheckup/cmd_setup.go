package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/pflag"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/setup"
)

// setupFlags are the flags of `pgcheckup setup`.
type setupFlags struct {
	apply, uninstall   bool
	host, user, dbname string
	port               int
}

func addSetupFlags(fs *pflag.FlagSet, f *setupFlags) {
	fs.BoolVar(&f.apply, "apply", false, "run the SQL over the connection (an admin's: it creates a role and a schema) instead of printing it")
	fs.BoolVar(&f.uninstall, "uninstall", false, "the SQL that removes what setup created (the role ROLE stays)")
	fs.StringVarP(&f.host, "host", "h", "", "database server `host` or host:port")
	fs.IntVarP(&f.port, "port", "p", 0, "database server `port`")
	fs.StringVarP(&f.user, "username", "U", "", "admin user `name` (with --apply)")
	fs.StringVarP(&f.dbname, "dbname", "d", "", "database `name`: the helpers live in one database; run setup in each one pgcheckup checks")
}

// cmdSetup prints, or with --apply runs, the SQL that prepares ROLE for `pgcheckup run`
// without superuser. It is pgcheckup's only write path; `run` never goes through it.
func cmdSetup(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	var f setupFlags
	fs := newFlagSet("setup")
	addSetupFlags(fs, &f)
	usage := fmt.Sprintf("Usage: pgcheckup setup ROLE [OPTION]... [CONNSTRING]\n\n"+
		"Prints the SQL that prepares ROLE for full results without superuser: pg_monitor, and\nhelper functions (%s) that read only what F004, F005 and L003 need.", setupVersionNote())
	// ROLE and CONNSTRING may come before, between or after the options.
	if done, code, err := parseCommand(fs, args, stdout, usage); done {
		return code, err
	}
	pos := fs.Args()
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
