package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcheckup/pgcheckup/platform"
	"github.com/pgcheckup/pgcheckup/report"
)

const exportUsage = "usage: pgcheckup export REPORT.json|REPORT_DIR --format platform [--out DIR]"

// cmdExport writes a saved report in another tool's format: today the Postgres.ai
// platform's per-check JSON, each file validated against the platform's schema. It
// reads only the file (no database). Exit codes: exitUsage for bad arguments or an
// unreadable report (nothing written), exitCheckErrors when some checks' files were
// invalid (the valid ones are written, the others named), exitWriteFailed when the
// files could not be written.
func cmdExport(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("export")
	out := fs.String("out", "", "output `dir` (default: the report's folder/platform)")
	format := fs.String("format", "", "`format` to write: platform")
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if done, code, err := parseCommand(fs, args, stdout, exportUsage); done {
		return code, err
	}
	if path == "" && fs.NArg() == 1 {
		path = fs.Arg(0)
	} else if path == "" || fs.NArg() > 0 {
		return exitUsage, cfgErr(exportUsage)
	}
	if *format != report.FormatPlatform {
		return exitUsage, cfgErr("export: --format %q: want platform\n%s", *format, exportUsage)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "report.json")
	}
	rep, err := report.Read(path) // validates: the file may come from anyone
	if err != nil {
		return exitUsage, cfgErr("%v", err)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join(filepath.Dir(path), platform.Dir)
	}
	files, notes, exportErr := platform.ExportNotes(rep)
	for _, n := range notes {
		fmt.Fprintf(stderr, "pgcheckup: platform: %s\n", n)
	}
	if err := platform.Write(dir, files); err != nil {
		return exitWriteFailed, fmt.Errorf("export: the platform files could not be written: %w", err)
	}
	fmt.Fprintln(stdout, dir)
	if exportErr != nil {
		return exitCheckErrors, fmt.Errorf("export: %d file(s) written to %s; %w", len(files), dir, exportErr)
	}
	return exitOK, nil
}
