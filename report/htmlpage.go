package report

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// The HTML page puts the problems first: an overview (cluster, run, counts, the P1 and
// P2 findings with their fixes) above the fold, then the Markdown report, whose checks
// collapse into <details> (open when they found P1 or P2) and whose long tables show
// their top rows with the rest behind an expander. Everything here works with
// JavaScript off; the page script only adds the filter, the search and sorting.

// tableTop is how many rows a long table shows before its expander; tables up to
// tableLong rows show whole.
const (
	tableTop  = 10
	tableLong = 15
)

// summaryNote says what the summary's columns count: the numbers the overview, the
// findings chart and the terminal show too (Report.Count).
const summaryNote = "A finding is counted once however many nodes report it (the nodes are listed with it), " +
	"and as many times as the objects it stands for when it sums up several (\"and 240 more\"). " +
	"A result is one check on one node (and database).\n\n"

// severityRank orders severities for the page's filter: a check without findings is 0.
func severityRank(s string) int {
	switch s {
	case "P1":
		return 4
	case "P2":
		return 3
	case "P3":
		return 2
	case "info":
		return 1
	}
	return 0
}

// worstOf is the most severe of a check's findings, "" when it has none.
func worstOf(c *Check) string {
	worst := ""
	for _, f := range c.Findings {
		if worst == "" || severityRank(f.Severity.String()) > severityRank(worst) {
			worst = f.Severity.String()
		}
	}
	return worst
}

type overviewFinding struct {
	Severity, CheckID, Anchor, Where string
	Rank                             int
	Conclusion, Fix                  template.HTML
}

type overviewNode struct{ Name, Host, Role, Version, Error string }

// markdownHTML converts a finding's Markdown text for the overview, as the body does.
func markdownHTML(s string) (template.HTML, error) {
	var b bytes.Buffer
	if err := md.Convert([]byte(markdownBlock(s)), &b); err != nil {
		return "", fmt.Errorf("markdown to html: %w", err)
	}
	return template.HTML(checks.Visible(b.String())), nil
}

// overviewHTML is the block above the fold. Its counts are Report.Count, the numbers
// the summary table and the findings chart show.
func overviewHTML(r *Report) (template.HTML, error) {
	var nodes []overviewNode
	for _, n := range r.Nodes {
		nodes = append(nodes, overviewNode{checks.Visible(n.Name), checks.Visible(n.Host), checks.Visible(n.Role), checks.Visible(n.Version), checks.Visible(n.Error)})
	}
	type count struct {
		Severity string
		N        int
	}
	var counts []count
	for _, s := range []checks.Severity{checks.P1, checks.P2, checks.P3, checks.Info} {
		counts = append(counts, count{s.String(), r.Count(s)})
	}
	var top []overviewFinding
	for _, f := range r.Findings() {
		if f.Severity < checks.P2 {
			continue
		}
		concl, err := markdownHTML(f.Conclusion)
		if err != nil {
			return "", err
		}
		fix, err := markdownHTML(f.Recommendation)
		if err != nil {
			return "", err
		}
		where := ""
		if len(r.Nodes) > 1 || f.Database != "" {
			where = checks.Visible(plainWhere(r, f))
		}
		top = append(top, overviewFinding{f.Severity.String(), f.CheckID, Anchor(f.CheckID, f.Title), where,
			severityRank(f.Severity.String()), concl, fix})
	}
	var b bytes.Buffer
	err := overviewTemplate.Execute(&b, map[string]any{
		"Nodes":    nodes,
		"Started":  r.StartedAt.UTC().Format("2006-01-02 15:04"),
		"Seconds":  int(r.FinishedAt.Sub(r.StartedAt).Seconds() + 0.5),
		"Counts":   counts,
		"Top":      top,
		"Errors":   r.Errors(),
		"Findings": len(r.Findings()),
	})
	if err != nil {
		return "", fmt.Errorf("render overview: %w", err)
	}
	return template.HTML(b.String()), nil
}

// plainWhere is where() without Markdown: the overview prints it as text.
func plainWhere(r *Report, f FindingRef) string {
	nodes := f.Nodes
	if f.Node != "" && len(nodes) == 0 {
		nodes = []string{f.Node}
	}
	on := ""
	if len(r.Nodes) > 1 {
		if len(nodes) == len(r.Nodes) {
			on = "all nodes"
		} else {
			on = strings.Join(nodes, ", ")
		}
	}
	switch {
	case f.Database == "":
		return on
	case on == "":
		return "database " + f.Database
	}
	return "database " + f.Database + " on " + on
}

var overviewTemplate = template.Must(template.New("overview").Parse(`<section id="overview" class="overview">
<p class="facts"><span><b>Cluster</b> {{range $i, $n := .Nodes}}{{if $i}}; {{end}}{{$n.Name}}{{if ne $n.Host $n.Name}} ({{$n.Host}}){{end}}{{if $n.Role}} {{$n.Role}}{{end}}{{if $n.Version}} {{$n.Version}}{{end}}{{if $n.Error}} <span class="P1">unreachable</span>{{end}}{{end}}</span>
<span><b>Run</b> {{.Started}} UTC, {{.Seconds}} s{{if .Errors}}, <span class="P1">{{.Errors}} results in error</span>{{end}}</span></p>
<div class="counts">{{range .Counts}}<a class="count {{.Severity}}" href="#findings" title="{{.Severity}} findings, once across nodes"><b>{{.N}}</b> {{.Severity}}</a>{{end}}</div>
<div class="toolbar"><label>Show <select id="sevf" aria-label="severity filter"><option value="0">all checks</option><option value="4">P1</option><option value="3">P1 and P2</option><option value="2">P1 to P3</option><option value="1">any finding</option></select></label>
<input type="search" id="q" placeholder="Search findings and objects" aria-label="search"></div>
{{if .Top}}<ol class="top">{{range .Top}}
<li class="finding" data-sev="{{.Severity}}" data-rank="{{.Rank}}"><strong class="{{.Severity}}">{{.Severity}}</strong> <a href="#{{.Anchor}}">{{.CheckID}}</a>{{if .Where}} <span class="where">{{.Where}}</span>{{end}}
<div class="concl">{{.Conclusion}}</div>{{if .Fix}}<div class="fix"><b>Fix:</b> {{.Fix}}</div>{{end}}<a class="evidence" href="#{{.Anchor}}">evidence</a></li>{{end}}
</ol>{{else}}<p>No P1 or P2 findings.</p>{{end}}
</section>
`))

// wrapCheck puts one check's HTML into a <details>, its heading as the summary; open
// when the check found P1 or P2.
func wrapCheck(html string, c *Check) string {
	worst := worstOf(c)
	open := ""
	if severityRank(worst) >= severityRank("P2") {
		open = " open"
	}
	i := strings.Index(html, "</h3>")
	if !strings.HasPrefix(strings.TrimSpace(html), "<h3") || i < 0 {
		return html
	}
	i += len("</h3>")
	return fmt.Sprintf(`<details class="check" data-sev="%s" data-rank="%d"%s><summary>%s</summary>%s</details>
`, worst, severityRank(worst), open, strings.TrimSpace(html[:i]), html[i:])
}

// tableIDs numbers the expanders of long tables across the page.
type tableIDs struct{ n int }

// foldTables gives every table a box of its own and hides the rows of a long table
// after the first tableTop behind a checkbox expander (no JavaScript needed).
// The head's tables (nodes, summary, findings) only get their box: fold is false.
func (ids *tableIDs) foldTables(html string, fold bool) string {
	var b strings.Builder
	for {
		i := strings.Index(html, "<table>")
		if i < 0 {
			b.WriteString(html)
			return b.String()
		}
		j := strings.Index(html[i:], "</table>")
		if j < 0 {
			b.WriteString(html)
			return b.String()
		}
		j += i + len("</table>")
		b.WriteString(html[:i])
		if fold {
			b.WriteString(ids.fold(html[i:j]))
		} else {
			b.WriteString(`<div class="tbl">` + keepWords(html[i:j]) + `</div>`)
		}
		html = html[j:]
	}
}

// keepWords keeps the words of a table's code spans whole: a browser breaks a line after
// "-" or "/" even with overflow-wrap normal, which splits paths and names like
// pgcheckup-pg-standby. Such words get a span that does not wrap; lines still break at
// spaces, so long SQL wraps between its words.
func keepWords(table string) string {
	var b strings.Builder
	for {
		i := strings.Index(table, "<code>")
		if i < 0 {
			b.WriteString(table)
			return b.String()
		}
		i += len("<code>")
		j := strings.Index(table[i:], "</code>")
		if j < 0 {
			b.WriteString(table)
			return b.String()
		}
		b.WriteString(table[:i])
		words := strings.Split(table[i:i+j], " ")
		for k, w := range words {
			if strings.ContainsAny(w, "-/") && !strings.Contains(w, "<") {
				words[k] = `<span class="nw">` + w + "</span>"
			}
		}
		b.WriteString(strings.Join(words, " "))
		table = table[i+j:]
	}
}

func (ids *tableIDs) fold(table string) string {
	table = keepWords(table)
	head, body, ok := strings.Cut(table, "<tbody>")
	rows := strings.Count(body, "<tr>")
	if !ok || rows <= tableLong {
		return `<div class="tbl">` + table + `</div>`
	}
	ids.n++
	var b strings.Builder
	n := 0
	for {
		k := strings.Index(body, "<tr>")
		if k < 0 {
			b.WriteString(body)
			break
		}
		b.WriteString(body[:k])
		if n >= tableTop {
			b.WriteString(`<tr class="more">`)
		} else {
			b.WriteString("<tr>")
		}
		n++
		body = body[k+len("<tr>"):]
	}
	id := fmt.Sprintf("more-%d", ids.n)
	return fmt.Sprintf(`<div class="tbl long"><input type="checkbox" class="more-toggle" id="%s">%s<tbody>%s<label for="%s" class="more-label"><span class="show">Show all %d rows</span><span class="hide">Show the top %d rows</span></label></div>`,
		id, head, b.String(), id, rows, tableTop)
}

// markFindingRows lets the page script filter the findings table by severity: its rows
// start with the severity in bold, which only pgcheckup writes (see colorSeverities).
func markFindingRows(html string) string {
	for _, s := range []string{"P1", "P2", "P3", "info"} {
		html = strings.ReplaceAll(html, "<tr>\n<td><strong class=\""+s+"\">",
			fmt.Sprintf(`<tr class="finding" data-sev="%s" data-rank="%d">`+"\n"+`<td><strong class="%s">`, s, severityRank(s), s))
	}
	return html
}
