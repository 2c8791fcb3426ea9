package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pgcheckup/pgcheckup/report"
)

const diffUsage = "usage: pgcheckup diff OLD NEW [--format md|json] [--fail-on-new P1|P2|P3]\n" +
	"  OLD and NEW are report folders or report.json files"

// cmdDiff compares two saved reports, offline: findings new, resolved and changed in
// severity, and the largest changes in sizes and ages (see report.Diff).
func cmdDiff(args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("diff")
	format := fs.String("format", "md", "output `format`: md or json")
	failOnNew := fs.String("fail-on-new", "", "exit 5 when findings of this `severity` (P1, P2, P3) or worse are new")
	// pflag takes the two paths before, between or after the options.
	if done, code, err := parseCommand(fs, args, stdout, diffUsage); done {
		return code, err
	}
	paths := fs.Args()
	if len(paths) != 2 {
		return exitUsage, cfgErr(diffUsage)
	}
	if *format != "md" && *format != "json" {
		return exitUsage, cfgErr("diff: --format %q: want md or json", *format)
	}
	sev, err := failOnSeverity(*failOnNew)
	if err != nil {
		return exitUsage, err
	}
	var reps [2]*report.Report
	for i, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			p = filepath.Join(p, "report.json")
		}
		if reps[i], err = report.Read(p); err != nil { // validates: the file may come from anyone
			return exitUsage, cfgErr("%v", err)
		}
	}
	if reps[0].Project != reps[1].Project {
		fmt.Fprintf(stderr, "pgcheckup: note: the reports are of different projects (%q, %q)\n", reps[0].Project, reps[1].Project)
	}
	if reps[0].Options != reps[1].Options {
		fmt.Fprintln(stderr, "pgcheckup: note: the reports were made with different privacy options (anonymization, masks, query texts): names may differ")
	}
	c := report.Diff(reps[0], reps[1])
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(c); err != nil {
			return exitWriteFailed, err
		}
	} else {
		var b bytes.Buffer
		report.WriteChanges(&b, c, "#")
		if _, err := stdout.Write(b.Bytes()); err != nil {
			return exitWriteFailed, err
		}
	}
	if *failOnNew != "" {
		if n := c.NewAtLeast(sev); n > 0 {
			fmt.Fprintf(stderr, "pgcheckup: %d new finding(s) at %s or worse (--fail-on-new)\n", n, strings.ToUpper(*failOnNew))
			return exitFailOn, nil
		}
	}
	return exitOK, nil
}
