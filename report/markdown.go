package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/template"
	"unicode"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/templates"
)

// Renderer turns a report into Markdown with the embedded per-check templates.
type Renderer struct {
	tmpl *template.Template
}

// NewRenderer parses the embedded templates.
func NewRenderer() (*Renderer, error) {
	t, err := template.New("").Funcs(Funcs).Option("missingkey=zero").ParseFS(templates.FS, "*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	autoEscape(t)
	return &Renderer{tmpl: t}, nil
}

// HasTemplate reports whether check id has its own template.
func (rd *Renderer) HasTemplate(id string) bool { return rd.tmpl.Lookup(id+".md.tmpl") != nil }

// Markdown renders the whole report: header, nodes, summary, findings, every check.
func (rd *Renderer) Markdown(r *Report) ([]byte, error) {
	var all bytes.Buffer
	err := rd.markdownParts(r, func(p []byte) error { _, err := all.Write(p); return err })
	return all.Bytes(), err
}

// MarkdownTo streams the whole report to w, one check at a time.
func (rd *Renderer) MarkdownTo(w io.Writer, r *Report) error {
	return rd.markdownParts(r, func(p []byte) error { _, err := w.Write(p); return err })
}

// markdownParts hands the report's Markdown to emit in parts: the head (up to the first
// check), then each check. Every part ends at a block boundary, so the HTML writer
// converts part by part and never holds the whole document.
func (rd *Renderer) markdownParts(r *Report, emit func([]byte) error) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# pgcheckup report: %s\n\n", checks.Esc(r.Project))
	fmt.Fprintf(&b, "Started %s, finished %s (UTC) by %s %s. ",
		r.StartedAt.UTC().Format("2006-01-02 15:04:05"), r.FinishedAt.UTC().Format("15:04:05"), checks.Esc(r.Tool.Name), checks.Esc(r.Tool.Version))
	fmt.Fprintf(&b, "Query texts: %s.", checks.Esc(r.Options.QueryText))
	if r.Options.Anonymized {
		b.WriteString(" Names are anonymized.")
	}
	if r.Options.RoundCounts {
		b.WriteString(" Row counts are rounded to two significant digits.")
	}
	if r.Options.DefinitionLiterals {
		b.WriteString(" Definitions show their literals, which may hold data.")
	}
	if r.Options.QueryText == "raw" {
		b.WriteString("\n\n**Warning: this report holds raw query texts, which may contain data and secrets.**")
	}
	if r.Interrupted {
		b.WriteString("\n\n**Interrupted: the run was stopped by a signal. Checks not run say so; this report is incomplete.**")
	}
	b.WriteString("\n\n")
	writeNodes(&b, r)
	writeSummary(&b, r)
	writeFindings(&b, r)
	b.WriteString("## Checks\n\n")
	if err := emit(b.Bytes()); err != nil {
		return err
	}
	for i := range r.Checks {
		b.Reset()
		if err := rd.writeCheck(&b, r, &r.Checks[i], "###"); err != nil {
			return err
		}
		if err := emit(b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// NodeInterrupted is the error of a node the run was interrupted while connecting to:
// nothing is known about it, so it is not called unreachable.
const NodeInterrupted = "not checked (interrupted)"

// CheckMarkdown renders one check on its own, for md/<ID>.md.
func (rd *Renderer) CheckMarkdown(r *Report, c *Check) ([]byte, error) {
	var b bytes.Buffer
	if err := rd.writeCheck(&b, r, c, "#"); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeNodes(b *bytes.Buffer, r *Report) {
	b.WriteString("## Nodes\n\n| Node | Host | Role | Version | Database | User | Note |\n|---|---|---|---|---|---|---|\n")
	for _, n := range r.Nodes {
		note := ""
		if n.Error == NodeInterrupted {
			note = NodeInterrupted
		} else if n.Error != "" {
			note = "unreachable: " + checks.Esc(n.Error)
		} else if n.Superuser {
			note = "superuser"
		} else if n.PGMonitor {
			note = "pg_monitor"
		} else {
			note = "no pg_monitor: some checks skipped"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", checks.Esc(n.Name), checks.Esc(n.Host),
			checks.Esc(n.Role), checks.Esc(n.Version), checks.Code(n.Database), checks.Code(n.User), note)
	}
	b.WriteString("\n")
}

func writeSummary(b *bytes.Buffer, r *Report) {
	b.WriteString("## Summary\n\n| P1 | P2 | P3 | info | checks | ok | findings | skipped | error |\n|---|---|---|---|---|---|---|---|---|\n")
	st := map[checks.Status]int{}
	for _, c := range r.Checks {
		for _, res := range c.Results {
			st[res.Status]++
		}
	}
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n", r.Count(checks.P1), r.Count(checks.P2),
		r.Count(checks.P3), r.Count(checks.Info), len(r.Checks), st[checks.StatusOK], st[checks.StatusFindings],
		st[checks.StatusSkipped], st[checks.StatusError])
}

func writeFindings(b *bytes.Buffer, r *Report) {
	b.WriteString("## Findings\n\n")
	all := r.Findings()
	if len(all) == 0 {
		b.WriteString("No findings.\n\n")
		return
	}
	b.WriteString("| Severity | Check | Node | Conclusion |\n|---|---|---|---|\n")
	for _, f := range all {
		fmt.Fprintf(b, "| **%s** | [%s](#%s) | %s | %s |\n", f.Severity, f.CheckID, Anchor(f.CheckID, f.Title),
			nodeList(r, f.Nodes), markdownCell(f.Conclusion))
	}
	b.WriteString("\n")
}

func (rd *Renderer) writeCheck(b *bytes.Buffer, r *Report, c *Check, h string) error {
	fmt.Fprintf(b, "%s %s %s\n\n", h, c.ID, checks.Esc(c.Title))
	b.WriteString("| Node | Status | Time | Note |\n|---|---|---|---|\n")
	for _, res := range c.Results {
		note := checks.Esc(res.Reason)
		if res.Hint != "" {
			note += " Hint: " + checks.Code(res.Hint)
		}
		fmt.Fprintf(b, "| %s | %s | %.0f ms | %s |\n", checks.Esc(res.Node), res.Status, res.DurationMS, note)
	}
	b.WriteString("\n")
	merged := c.Merged()
	for _, f := range merged {
		conclusion := markdownBlock(f.Conclusion)
		if i := strings.LastIndex(conclusion, "\n"); i >= 0 && fenceOf(strings.TrimSpace(conclusion[i:])) != "" {
			conclusion += "\n\n " // the node list after a closing fence would reopen it
		}
		fmt.Fprintf(b, "- **%s** %s", f.Severity, conclusion)
		if len(r.Nodes) > 1 {
			fmt.Fprintf(b, " (%s)", nodeList(r, f.Nodes))
		}
		if f.Recommendation != "" {
			fmt.Fprintf(b, "\n\n  *Recommendation:* %s", markdownBlock(f.Recommendation))
		}
		b.WriteString("\n")
	}
	if len(merged) > 0 {
		b.WriteString("\n")
	}
	for _, res := range c.Results {
		if len(res.Data) == 0 {
			continue
		}
		if len(c.Results) > 1 {
			fmt.Fprintf(b, "%s# Node %s\n\n", h, checks.Esc(res.Node))
		}
		if err := rd.writeData(b, c.ID, res); err != nil {
			return err
		}
	}
	return nil
}

func (rd *Renderer) writeData(b *bytes.Buffer, id string, res Result) error {
	dec := json.NewDecoder(bytes.NewReader(res.Data))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		return fmt.Errorf("%s: decode data: %w", id, err)
	}
	t := rd.tmpl.Lookup(id + ".md.tmpl")
	if t == nil {
		writeJSON(b, res.Data)
		return nil
	}
	var out bytes.Buffer
	if err := t.Execute(&out, map[string]any{"Data": data, "Node": res.Node}); err != nil {
		return fmt.Errorf("%s: render: %w", id, err)
	}
	b.Write(bytes.TrimRight(out.Bytes(), "\n"))
	b.WriteString("\n\n")
	return nil
}

// Anchor is the id of a check's heading: the slug GitHub and the HTML report both derive
// from the heading text ("A002 Postgres version" -> "a002-postgres-version"), so links in
// report.md work where Markdown is viewed and in report.html. The slug is taken from the
// heading as written (escaped), because that is the text the HTML renderer derives it from.
func Anchor(id, title string) string { return slug(id + " " + checks.Esc(title)) }

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DataMarkdown renders one node's data with the check's template alone.
func (rd *Renderer) DataMarkdown(id string, res Result) ([]byte, error) {
	var b bytes.Buffer
	err := rd.writeData(&b, id, res)
	return b.Bytes(), err
}

// nodeList names the nodes that reported a finding; "all nodes" when every node did,
// or when none is named (a comparison's finding speaks for the cluster).
func nodeList(r *Report, nodes []string) string {
	if len(r.Nodes) > 1 && (len(nodes) == len(r.Nodes) || len(nodes) == 0) {
		return "all nodes"
	}
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = checks.Esc(n)
	}
	return strings.Join(parts, ", ")
}

// writeJSON shows the data of a check without a template as a JSON code block. Hidden
// characters become JSON escapes (the same text in JSON), and the fence is longer than
// any run of backticks in the data, so the data cannot close it.
func writeJSON(b *bytes.Buffer, data json.RawMessage) {
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		out.Reset()
		out.Write(data)
	}
	s := checks.Visible(out.String())
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	fmt.Fprintf(b, "%sjson\n%s\n%s\n\n", fence, s, fence)
}
