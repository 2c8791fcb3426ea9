package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/BurntSushi/toml"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/internal/workload"
	"github.com/pgcheckup/pgcheckup/report"
)

const renderUsage = "usage: pgcheckup render REPORT.json [--out DIR] [--format md,html]"

// cmdRender re-renders a saved report. Its exit code is exitUsage for bad arguments or an
// invalid report (nothing written), exitWriteFailed when the files could not be written
// (each old file is then left whole).
func cmdRender(args []string, stdout io.Writer) (int, error) {
	fs := newFlagSet("render")
	out := fs.String("out", "", "output `dir` (default: the report's folder)")
	var formats listFlag
	fs.Var(&formats, "format", "`formats` to write: md,html,pdf (default md,html; pdf needs Chromium)")
	// The report path may come before or after the flags.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if done, code, err := parseCommand(fs, args, stdout, renderUsage); done {
		return code, err
	}
	if path == "" && fs.NArg() == 1 {
		path = fs.Arg(0)
	} else if path == "" || fs.NArg() > 0 {
		return exitUsage, cfgErr("%s", renderUsage)
	}
	want := report.RenderedFormats()
	if len(formats) > 0 {
		var err error
		if want, err = report.ParseFormats(splitList(formats), true); err != nil {
			return exitUsage, cfgErr("render: %v", err)
		}
	}
	rep, err := report.Read(path) // validates: the file may come from anyone
	if err != nil {
		return exitUsage, cfgErr("%v", err)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Dir(path)
	}
	// Read validated the report, so nothing is created for an invalid one. The files are
	// written in a temporary folder inside dir and renamed over the old ones.
	if err := report.WriteRendered(dir, rep, want); err != nil {
		return exitWriteFailed, fmt.Errorf("render: the report could not be written: %w", err)
	}
	fmt.Fprintln(stdout, dir)
	return exitOK, nil
}

func cmdList(stdout io.Writer) error {
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tTITLE\tSCOPE\tMIN VERSION\tREQUIRES")
	for _, c := range all.Checks() {
		m := c.Meta()
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Title, m.Scope, minVersion(m.MinVersion), requires(m.Requires))
	}
	return w.Flush()
}

func minVersion(v int) string {
	if v == 0 {
		return "12"
	}
	return fmt.Sprint(v / 10000)
}

func requires(rs []checks.Requirement) string {
	if len(rs) == 0 {
		return "-"
	}
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = string(r)
	}
	return strings.Join(parts, ", ")
}

func find(id string) (checks.Check, error) {
	for _, c := range all.Checks() {
		if strings.EqualFold(c.Meta().ID, id) {
			return c, nil
		}
	}
	return nil, cfgErr("unknown check %q (see 'pgcheckup list')", id)
}

func cmdExplain(args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return cfgErr("usage: pgcheckup explain ID")
	}
	c, err := find(args[0])
	if err != nil {
		return err
	}
	m := c.Meta()
	fmt.Fprintf(stdout, "# %s %s\n\nScope: %s. Runs on PostgreSQL %s and newer. Requires: %s.\n\n%s\n",
		m.ID, m.Title, m.Scope, minVersion(m.MinVersion), requires(m.Requires), strings.TrimSpace(m.Doc))
	if m.Replicated {
		fmt.Fprintln(stdout, "\nOn a standby whose primary is in the same run this check is skipped: it reads only what\nphysical replication copies (catalogs, planner statistics, relation files, sequences),\nso the primary's result stands for the standby.")
	}
	explainHelpers(stdout, m)
	if conf, ok := c.(checks.Configurable); ok {
		var b bytes.Buffer
		if err := toml.NewEncoder(&b).Encode(conf.Config()); err == nil && b.Len() > 0 {
			fmt.Fprintf(stdout, "\n## Settings and their defaults\n\nIn the config file:\n\n    [checks.%s]\n", m.ID)
			for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
				fmt.Fprintf(stdout, "    %s\n", line)
			}
		}
	}
	return nil
}

// cmdSQL prints every statement pgcheckup may send, with the versions it is sent to,
// for review before anyone runs the tool.
func cmdSQL(args []string, stdout io.Writer) error {
	list := all.Checks()
	if len(args) == 1 {
		c, err := find(args[0])
		if err != nil {
			return err
		}
		list = []checks.Check{c}
	} else if len(args) > 1 {
		return cfgErr("usage: pgcheckup sql [ID]")
	}
	fmt.Fprintf(stdout, "-- Sessions run with search_path = %s. %s stands for the schema of an extension\n"+
		"-- as pg_extension names it, quoted.\n\n", session.SearchPath, checks.ExtSchema)
	if len(args) == 0 {
		fmt.Fprintf(stdout, "-- session: identify the node (every node)\n%s;\n\n", session.NodeQuery)
		fmt.Fprintf(stdout, "-- session: the cluster's system identifier (where pg_control_system may be called)\n%s;\n\n", session.SystemIDQuery)
		fmt.Fprintf(stdout, "-- session: the databases database-scoped checks may run in (every node)\n%s;\n\n", session.DatabasesQuery)
		fmt.Fprintf(stdout, "-- session: the standbys streaming from a node (--discover)\n%s;\n\n", session.ReplicasQuery)
		fmt.Fprintf(stdout, "-- session: the main session becomes the catalog session, once the checks that read settings have run ($1 = '%s')\n%s;\n\n",
			session.CatalogWorkMem, session.CatalogQuery)
		for _, q := range workload.Queries() {
			fmt.Fprintf(stdout, "-- workload (snapshots of pg_stat_statements for the K, M and N checks): %s\n%s;\n\n", q.Name, strings.TrimRight(strings.TrimSpace(q.SQL), ";"))
		}
		fmt.Fprintf(stdout, "-- runner: is a required extension installed\n%s;\n\n", runner.ExtensionQuery)
	}
	for _, c := range list {
		for _, q := range c.Queries() {
			fmt.Fprintf(stdout, "-- %s %s (%s)\n%s;\n\n", c.Meta().ID, q.Name, band(q), strings.TrimRight(strings.TrimSpace(q.SQL), ";"))
		}
	}
	return nil
}

func band(q checks.Query) string {
	lo, hi := "12", ""
	if q.MinVersion > 0 {
		lo = fmt.Sprint(q.MinVersion / 10000)
	}
	if q.MaxVersion > 0 {
		hi = fmt.Sprint(q.MaxVersion/10000 - 1)
	}
	switch {
	case hi == "":
		return "PostgreSQL " + lo + " and newer"
	case hi == lo:
		return "PostgreSQL " + lo
	}
	return "PostgreSQL " + lo + " to " + hi
}
