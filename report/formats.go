package report

import (
	"fmt"
	"strings"
)

// Formats a report can be written in.
const (
	FormatJSON = "json"
	FormatMD   = "md"
	FormatHTML = "html"
	// FormatPDF is report.html printed by a headless Chromium (pdf.go); only on request.
	FormatPDF = "pdf"
	// FormatPlatform is the Postgres.ai platform's per-check JSON (platform/<ID>.json).
	// The platform package writes it from report.json (it imports report, so report
	// cannot call it): `run` writes it after the report folder is in place, and
	// `pgcheckup export` from a saved report. It is neither source nor rendered here.
	FormatPlatform = "platform"
)

// Format is one output format: its name (in --format and the config file), the file it
// writes at the top of the report folder, and how it is written. `run` writes every
// format asked for, `render` only the rendered ones, and --format is checked against
// this one table.
type Format struct {
	Name string
	File string
	// Rendered formats are made from report.json (by `run` after writing it, and by
	// `render`); json is the source itself, which `run` always writes.
	Rendered bool
	// OnRequest formats are not among the defaults of `render` (pdf needs a browser).
	OnRequest bool
	// write writes File (and, for md, md/<ID>.md) into dir.
	write func(rd *Renderer, dir, file string, r *Report) error
}

var formats = []Format{
	{Name: FormatJSON, File: "report.json", write: writeJSONFile},
	{Name: FormatMD, File: "report.md", Rendered: true, write: writeMarkdownFiles},
	{Name: FormatHTML, File: "report.html", Rendered: true, write: writeHTMLFile},
	{Name: FormatPDF, File: "report.pdf", Rendered: true, OnRequest: true, write: writePDFFile},
	{Name: FormatPlatform, File: "platform"}, // a folder; no write here (see FormatPlatform)
}

// fileOf is the file format name writes.
func fileOf(name string) string {
	for _, f := range formats {
		if f.Name == name {
			return f.File
		}
	}
	return ""
}

// Formats lists every format, in the order they are written.
func Formats() []Format { return formats }

// ParseFormats checks names against the table and returns them as a set. rendered
// limits the choice to the formats `render` writes.
func ParseFormats(names []string, rendered bool) (map[string]bool, error) {
	var known []string
	for _, f := range formats {
		if f.Rendered || !rendered {
			known = append(known, f.Name)
		}
	}
	want := map[string]bool{}
	for _, n := range names {
		ok := false
		for _, k := range known {
			ok = ok || n == k
		}
		if !ok {
			return nil, fmt.Errorf("format %q: want %s", n, orList(known))
		}
		want[n] = true
	}
	return want, nil
}

// RenderedFormats is the set of every rendered format: what `render` writes by default.
func RenderedFormats() map[string]bool {
	want := map[string]bool{}
	for _, f := range formats {
		if f.Rendered && !f.OnRequest {
			want[f.Name] = true
		}
	}
	return want
}

func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
