package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/pgcheckup/pgcheckup/report"
)

// stdoutFormat is the one format `--out -` prints. With no format given (by flag or in
// the config file) it is the JSON, as before; a format given is printed as asked, never
// silently replaced by JSON: md or html are useful in a pipe, and several formats, or
// the platform's folder of files, cannot share one stream, so they are refused.
func stdoutFormat(c *Config, flagGiven bool) (string, error) {
	if c.Out != "-" {
		return "", nil
	}
	if !flagGiven && (c.md == nil || !c.md.IsDefined("format")) {
		return report.FormatJSON, nil
	}
	if len(c.Format) == 1 {
		switch c.Format[0] {
		case report.FormatJSON, report.FormatMD, report.FormatHTML:
			return c.Format[0], nil
		}
	}
	return "", cfgErr("--out - prints one format to stdout: --format json, md or html (got %s); write files with --out DIR for more", strings.Join(c.Format, ","))
}

// writeStdout prints the report in format to w.
func writeStdout(w io.Writer, rep *report.Report, format string) error {
	if format == report.FormatJSON {
		return rep.Write(w)
	}
	if err := rep.Validate(); err != nil {
		return fmt.Errorf("invalid report: %w", err)
	}
	rd, err := report.NewRenderer()
	if err != nil {
		return err
	}
	if format == report.FormatMD {
		return rd.MarkdownTo(w, rep)
	}
	return rd.HTMLTo(w, rep)
}
