// Command pgcheckup runs read-only, metadata-only health checks against a PostgreSQL
// cluster and writes a JSON report with Markdown and HTML renderings of it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Exit codes, as documented in the README.
const (
	exitOK          = 0 // the run completed and every check ran
	exitCheckErrors = 1 // the report was written but some checks (or nodes) ended in error
	exitUsage       = 2 // usage or configuration error
	exitUnreachable = 3 // no node could be reached
	exitWriteFailed = 4 // checks ran, but the report could not be written
	exitFailOn      = 5 // the report was written and holds findings at or above --fail-on
	// exitInterrupted: a signal stopped the run; the report written so far says so.
	// 130 is what a shell reports for a program ended by Ctrl-C.
	exitInterrupted = 130
)

// version is set by the Makefile (-ldflags "-X main.version=...").
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func main() {
	ctx, stop := onInterrupt(os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errInterrupted is the cause of the run's context once a signal arrived, so an
// interrupt can be told from other ends of the context.
var errInterrupted = errors.New("interrupted by a signal")

// onInterrupt returns a context that the first SIGINT or SIGTERM cancels: no new check
// starts, running ones are cancelled and the report of what ran is written, marked
// interrupted. A second signal exits at once, writing nothing more.
func onInterrupt(stderr io.Writer) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		if windowWaiting.Load() > 0 {
			fmt.Fprintf(stderr, "pgcheckup: %v: ending the workload window early; the report will say so (signal again to stop the run)\n", s)
			windowStopOnce.Do(func() { close(windowStop) })
			s = <-sigs
		}
		fmt.Fprintf(stderr, "pgcheckup: %v: stopping the checks and writing the report so far (signal again to quit at once)\n", s)
		cancel(errInterrupted)
		<-sigs
		fmt.Fprintln(stderr, "pgcheckup: interrupted again: quitting without a report")
		os.Exit(exitInterrupted)
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel(nil)
	}
}

const usage = `pgcheckup: read-only health checks for PostgreSQL

Usage:
  pgcheckup run [OPTION]... [CONNSTRING]
                                       check a cluster and write a report
  pgcheckup render REPORT.json [--out DIR] [--format md,html]
                                       re-render a saved report (no database needed)
  pgcheckup export REPORT.json|REPORT_DIR --format platform [--out DIR]
                                       write a saved report in the Postgres.ai platform's
                                       format, each file validated (no database needed)
  pgcheckup diff [OPTION]... OLD NEW   what changed between two saved reports (no
                                       database needed); exit 5 on new findings
  pgcheckup upload [OPTION]... REPORT_DIR
                                       send a report's platform files to Postgres.ai
  pgcheckup setup ROLE [OPTION]... [CONNSTRING]
                                       print (or with --apply run, as an admin) the SQL that
                                       prepares a monitoring role: pg_monitor and the helpers
  pgcheckup list                       list every check
  pgcheckup explain ID                 show a check's documentation
  pgcheckup sql [ID]                   print every SQL statement pgcheckup may send
  pgcheckup version                    print the version and the release table's date

Run 'pgcheckup COMMAND --help' for the options of a command.
`

// run is main without the exit, so tests can call it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	var err error
	code := exitOK
	switch args[0] {
	case "run":
		code, err = cmdRun(ctx, args[1:], stdout, stderr)
	case "render":
		code, err = cmdRender(args[1:], stdout)
	case "export":
		code, err = cmdExport(args[1:], stdout, stderr)
	case "diff":
		code, err = cmdDiff(args[1:], stdout, stderr)
	case "upload":
		code, err = cmdUpload(ctx, args[1:], stdout, stderr)
	case "setup":
		code, err = cmdSetup(ctx, args[1:], stdout, stderr)
	case "list":
		err = cmdList(stdout)
	case "explain":
		err = cmdExplain(args[1:], stdout)
	case "sql":
		err = cmdSQL(args[1:], stdout)
	case "version", "--version":
		fmt.Fprintln(stdout, versionLine())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "pgcheckup: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "pgcheckup: %v\n", err)
		var ce configError
		var ue unreachableError
		switch {
		case errors.As(err, &ue):
			return exitUnreachable
		case errors.As(err, &ce):
			return exitUsage
		}
		if code == exitOK {
			return exitCheckErrors
		}
	}
	return code
}
