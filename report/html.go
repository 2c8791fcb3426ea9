package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

//go:embed page.html.tmpl
var pageTemplate string

// md converts Markdown to HTML. Raw HTML in the input is dropped (goldmark's default,
// never its unsafe mode), so a name like "<script>" can only ever show as text. Linkify
// is left out: a URL in a database string must not become a link.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
)

var page = template.Must(template.New("page").Parse(pageTemplate))

// HTML renders the report as one self-contained page: the same Markdown as report.md,
// with a table of contents. Nothing in it loads from the network.
func (rd *Renderer) HTML(r *Report) ([]byte, error) {
	var b bytes.Buffer
	err := rd.HTMLTo(&b, r)
	return b.Bytes(), err
}

// bodyMark stands for the body in the page template's output; html/template would
// escape a NUL anywhere else, so only the placeholder itself can contain one.
const bodyMark = "\x00pgcheckup-body\x00"

// htmlPiece is how much Markdown is converted to HTML at once (see splitBlocks).
const htmlPiece = 64 << 10

// HTMLTo streams the page to w. The Markdown is converted part by part (the head, then
// one check at a time, see markdownParts) with one heading-id generator for the whole
// page, so the page is the one a single conversion would give, and memory holds one
// check's Markdown, HTML and syntax tree at a time instead of the whole report's.
func (rd *Renderer) HTMLTo(w io.Writer, r *Report) error {
	type tocEntry struct{ ID, Anchor, Title, Worst string }
	var toc []tocEntry
	for _, c := range r.Checks {
		worst := ""
		for _, f := range c.Findings {
			if worst == "" || f.Severity.String() < worst { // "P1" < "P2" < "P3" < "info"
				worst = f.Severity.String()
			}
		}
		toc = append(toc, tocEntry{c.ID, Anchor(c.ID, c.Title), checks.Visible(c.Title), worst})
	}
	var frame bytes.Buffer
	err := page.Execute(&frame, map[string]any{
		"Project": checks.Visible(r.Project),
		"Body":    template.HTML(bodyMark),
		"TOC":     toc,
		"Changes": changesAnchor(r),
	})
	if err != nil {
		return err
	}
	head, tail, ok := strings.Cut(frame.String(), bodyMark)
	if !ok {
		return fmt.Errorf("page template has no body")
	}
	charts, err := chartScripts(chartsFor(r))
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	overview, err := overviewHTML(r)
	if err != nil {
		return err
	}
	ids := &headingIDs{seen: map[string]int{}}
	tables := &tableIDs{}
	var body bytes.Buffer
	n := 0 // parts so far: the head, then one per check (see markdownParts)
	err = rd.markdownParts(r, func(part []byte) error {
		body.Reset()
		for _, src := range splitBlocks(part, htmlPiece) {
			ctx := parser.NewContext(parser.WithIDs(ids))
			if err := md.Convert(src, &body, parser.WithContext(ctx)); err != nil {
				return fmt.Errorf("markdown to html: %w", err)
			}
		}
		// Markdown from a report may spell a hidden character as an entity (&#x202E;),
		// which goldmark writes out as the character: show those too.
		html := colorSeverities(checks.Visible(body.String()))
		// The charts go between the summary and the list of findings (in the head).
		if i := strings.Index(html, `<h2 id="findings">`); i >= 0 && charts != "" {
			html = html[:i] + string(charts) + "\n" + html[i:]
			charts = ""
		}
		if n == 0 { // htmlpage.go
			html = strings.Replace(markFindingRows(tables.foldTables(html, false)), `<h2 id="nodes">`, string(overview)+`<h2 id="nodes">`, 1)
		} else if n <= len(r.Checks) {
			html = wrapCheck(tables.foldTables(html, true), &r.Checks[n-1])
		}
		n++
		_, err := io.WriteString(w, html)
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, tail)
	return err
}

// colorSeverities marks the bold severities the Markdown writer emits. Database strings
// are escaped in the Markdown, so "<strong>P1</strong>" can only be pgcheckup's own.
func colorSeverities(html string) string {
	for _, s := range []string{"P1", "P2", "P3", "info"} {
		html = strings.ReplaceAll(html, "<strong>"+s+"</strong>", `<strong class="`+s+`">`+s+"</strong>")
	}
	return html
}

// headingIDs gives headings the same ids as GitHub gives them (see Anchor); a repeated
// heading gets -1, -2, ... as there.
type headingIDs struct{ seen map[string]int }

func (h *headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	id := slug(string(value))
	n := h.seen[id]
	h.seen[id] = n + 1
	if n > 0 {
		id = fmt.Sprintf("%s-%d", id, n)
	}
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.seen[string(value)]++ }
