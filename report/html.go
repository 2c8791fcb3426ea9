package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
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
	src, err := rd.Markdown(r)
	if err != nil {
		return nil, err
	}
	var body bytes.Buffer
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{seen: map[string]int{}}))
	if err := md.Convert(src, &body, parser.WithContext(ctx)); err != nil {
		return nil, fmt.Errorf("markdown to html: %w", err)
	}
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
	// Markdown from a report may spell a hidden character as an entity (&#x202E;), which
	// goldmark writes out as the character: show those too.
	html := colorSeverities(checks.Visible(body.String()))
	charts, err := chartScripts(chartsFor(r))
	if err != nil {
		return nil, err
	}
	// The charts go between the summary and the list of findings.
	if i := strings.Index(html, `<h2 id="findings">`); i >= 0 && charts != "" {
		html = html[:i] + string(charts) + "\n" + html[i:]
	}
	var out bytes.Buffer
	err = page.Execute(&out, map[string]any{
		"Project": checks.Visible(r.Project),
		"Body":    template.HTML(html), // goldmark output in safe mode
		"TOC":     toc,
	})
	return out.Bytes(), err
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
