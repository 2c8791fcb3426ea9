package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
	"golang.org/x/term"
)

// The summary goes to stderr: stdout carries the report's folder, which scripts read,
// so a summary there would break them. It is shown when stderr is a terminal (a DBA at
// the prompt), with --summary also on a pipe or in a CI log, and never with -q.
func wantSummary(stderr io.Writer, force, quiet bool) bool {
	if quiet {
		return false
	}
	if force {
		return true
	}
	f, ok := stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// summaryListed is how many conclusions of one severity the summary lists.
const summaryListed = 5

// summaryWidth caps a conclusion's line: the summary is read at a glance, the report
// has the rest.
const summaryWidth = 110

// writeSummary prints what a DBA reads first after a run: the counts by severity (the
// numbers of Report.Count, as the report's summary and --fail-on count), the P1 and P2
// conclusions one line each, and where the report is.
func writeSummary(w io.Writer, rep *report.Report, dir string, formats []string) {
	fmt.Fprintf(w, "\nSummary: P1 %d, P2 %d, P3 %d; checks in error %d\n",
		rep.Count(checks.P1), rep.Count(checks.P2), rep.Count(checks.P3), rep.Errors())
	all := rep.Findings()
	for _, sev := range []checks.Severity{checks.P1, checks.P2} {
		var lines []string
		for _, f := range all {
			if f.Severity == sev {
				lines = append(lines, fmt.Sprintf("  %s %s %s", sev, f.CheckID, oneLineText(f.Conclusion, summaryWidth)))
			}
		}
		for i, l := range lines {
			if i == summaryListed {
				fmt.Fprintf(w, "  %s ... and %d more\n", sev, len(lines)-i)
				break
			}
			fmt.Fprintln(w, l)
		}
	}
	fmt.Fprintf(w, "Report: %s\n", reportFile(dir, formats))
}

// reportFile is the file to open: the HTML when it was written, else the Markdown, else
// the JSON.
func reportFile(dir string, formats []string) string {
	for _, f := range []struct{ name, file string }{{report.FormatHTML, "report.html"}, {report.FormatMD, "report.md"}} {
		if slices.Contains(formats, f.name) {
			return filepath.Join(dir, f.file)
		}
	}
	return filepath.Join(dir, "report.json")
}

var (
	mdLink   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdEscape = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)
)

// oneLineText turns a conclusion's Markdown into one line of plain text of at most width
// characters: links keep their text, emphasis and code marks go, escapes are undone.
// Characters a terminal would act on stay written as visible escapes.
func oneLineText(md string, width int) string {
	s := mdLink.ReplaceAllString(md, "$1")
	s = strings.NewReplacer("**", "", "`", "").Replace(s)
	s = mdEscape.ReplaceAllString(s, "$1")
	s = checks.Visible(strings.Join(strings.Fields(s), " "))
	if utf8.RuneCountInString(s) > width {
		r := []rune(s)
		s = string(r[:width-1]) + "…"
	}
	return s
}
