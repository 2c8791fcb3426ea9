package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"text/template"
	"unicode"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/templates"
)

// Renderer turns a report into Markdown with the embedded per-check templates.
type Renderer struct {
	tmpl *template.Template
	// sections, when not nil, keeps each check's Markdown section by heading level: the
	// files of one write (report.md, report.html) render the same sections, and at tens
	// of thousands of tables rendering them is most of writing a report. Only a writer
	// that does not change the report meanwhile sets it (writeRendered).
	sections *sectionCache
}

// sectionCache is safe for the writers that run at once (writeRendered).
type sectionCache struct {
	mu sync.Mutex
	m  map[sectionKey][]byte
}

type sectionKey struct {
	c *Check
	h string
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
	writeChanges(&b, r)
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
	return withHeader(b.Bytes(), checkFileHeader(r, c)), nil
}

func writeNodes(b *bytes.Buffer, r *Report) {
	b.WriteString("## Nodes\n\n| Node | Role | Version | Database | User | Note |\n|---|---|---|---|---|---|\n")
	listDBs := false
	for _, n := range r.Nodes {
		note := ""
		if n.Error == NodeInterrupted {
			note = NodeInterrupted
		} else if n.Error != "" {
			note = "**unreachable**: " + checks.Esc(n.Error)
		} else if n.Superuser {
			note = "superuser"
		} else if n.PGMonitor {
			note = "pg_monitor"
		} else {
			note = "no pg_monitor: some checks skipped"
		}
		if n.DiscoveredFrom != "" {
			note += "; discovered on " + checks.Esc(n.DiscoveredFrom)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", nodeLabel(n),
			textOrDash(n.Role), textOrDash(n.Version), codeOrDash(n.Database), codeOrDash(n.User), note)
		listDBs = listDBs || len(n.Databases) > 0 || n.DatabasesLeftOut > 0
	}
	b.WriteString("\n")
	if !listDBs {
		return
	}
	b.WriteString("Databases (database-scoped checks ran in each one not skipped):\n\n")
	line := func(n Node) string {
		parts := make([]string, 0, len(n.Databases)+1)
		for _, d := range n.Databases {
			p := checks.Code(d.Name)
			if d.Skipped != "" {
				p += " (skipped: " + checks.Esc(d.Skipped) + ")"
			}
			parts = append(parts, p)
		}
		if len(parts) == 0 {
			parts = append(parts, "none")
		}
		s := strings.Join(parts, ", ")
		if n.DatabasesLeftOut > 0 {
			s += fmt.Sprintf("; %d more not checked: cap max\\_databases", n.DatabasesLeftOut)
		}
		return s
	}
	same := len(r.Nodes) > 1
	for _, n := range r.Nodes[1:] {
		same = same && line(n) == line(r.Nodes[0])
	}
	if same {
		fmt.Fprintf(b, "- all nodes: %s\n\n", line(r.Nodes[0]))
		return
	}
	for _, n := range r.Nodes {
		fmt.Fprintf(b, "- %s: %s\n", checks.Esc(n.Name), line(n))
	}
	b.WriteString("\n")
}

func writeSummary(b *bytes.Buffer, r *Report) {
	b.WriteString("## Summary\n\n| P1 findings | P2 findings | P3 findings | info findings | checks | results ok | results with findings | results skipped | results in error |\n|---|---|---|---|---|---|---|---|---|\n")
	st := map[checks.Status]int{}
	for _, c := range r.Checks {
		for _, res := range c.Results {
			st[res.Status]++
		}
	}
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n", r.Count(checks.P1), r.Count(checks.P2),
		r.Count(checks.P3), r.Count(checks.Info), len(r.Checks), st[checks.StatusOK], st[checks.StatusFindings],
		st[checks.StatusSkipped], st[checks.StatusError])
	b.WriteString(summaryNote)
	writeUnchecked(b, r)
	writeDatabaseCounts(b, r)
}

// writeDatabaseCounts adds the findings per database when the report covers more than
// one: every database a result or finding names (and the cluster-wide findings, of
// cluster-scoped checks, on a row of their own), counted as the summary counts, so the
// rows add up to it.
func writeDatabaseCounts(b *bytes.Buffer, r *Report) {
	var dbs []string
	seen := map[string]bool{}
	add := func(db string) {
		if db != "" && !seen[db] {
			seen[db] = true
			dbs = append(dbs, db)
		}
	}
	for _, n := range r.Nodes {
		for _, d := range n.Databases {
			add(d.Name)
		}
	}
	for _, c := range r.Checks {
		for _, res := range c.Results {
			add(res.Database)
		}
	}
	all := r.Findings()
	for _, f := range all {
		add(f.Database)
	}
	if len(dbs) < 2 {
		return
	}
	count := map[string]map[checks.Severity]int{}
	for _, f := range all {
		if count[f.Database] == nil {
			count[f.Database] = map[checks.Severity]int{}
		}
		count[f.Database][f.Severity] += f.Weight()
	}
	b.WriteString("| Database | P1 | P2 | P3 | info |\n|---|---|---|---|---|\n")
	row := func(name string, c map[checks.Severity]int) {
		fmt.Fprintf(b, "| %s | %d | %d | %d | %d |\n", name, c[checks.P1], c[checks.P2], c[checks.P3], c[checks.Info])
	}
	skipped := map[string]bool{} // skipped on every node that lists it
	for _, n := range r.Nodes {
		for _, d := range n.Databases {
			if v, ok := skipped[d.Name]; !ok || v {
				skipped[d.Name] = d.Skipped != ""
			}
		}
	}
	for _, db := range dbs {
		name := checks.Code(db)
		if skipped[db] {
			name += " (skipped)"
		}
		row(name, count[db])
	}
	if c := count[""]; c != nil {
		row("*cluster-wide*", c)
	}
	b.WriteString("\n")
}

func writeFindings(b *bytes.Buffer, r *Report) {
	b.WriteString("## Findings\n\n")
	all := r.Findings()
	if len(all) == 0 {
		b.WriteString("No findings.\n\n")
		return
	}
	b.WriteString("| Severity | Check | Where | Conclusion |\n|---|---|---|---|\n")
	for _, f := range all {
		fmt.Fprintf(b, "| **%s** | [%s](#%s) | %s | %s |\n", f.Severity, f.CheckID, Anchor(f.CheckID, f.Title),
			where(r, f.Finding), markdownCell(f.Conclusion))
	}
	b.WriteString("\n")
}

// where says where a finding was found: its database, if any, and its nodes ("`shop` on
// all nodes", "`shop` on standby1", "standby1", "all nodes").
func where(r *Report, f checks.Finding) string {
	nodes := f.Nodes
	if f.Node != "" && len(nodes) == 0 {
		nodes = []string{f.Node}
	}
	on := nodeList(r, nodes)
	if f.Database == "" {
		return on
	}
	if on == "" || len(r.Nodes) <= 1 {
		return checks.Code(f.Database)
	}
	return checks.Code(f.Database) + " on " + on
}

func (rd *Renderer) writeCheck(b *bytes.Buffer, r *Report, c *Check, h string) error {
	if rd.sections == nil {
		return rd.renderCheck(b, r, c, h)
	}
	k := sectionKey{c, h}
	rd.sections.mu.Lock()
	s, ok := rd.sections.m[k]
	rd.sections.mu.Unlock()
	if ok {
		b.Write(s)
		return nil
	}
	// two writers missing the same section at once both render it, alike
	start := b.Len()
	if err := rd.renderCheck(b, r, c, h); err != nil {
		return err
	}
	rd.sections.mu.Lock()
	rd.sections.m[k] = bytes.Clone(b.Bytes()[start:])
	rd.sections.mu.Unlock()
	return nil
}

func (rd *Renderer) renderCheck(b *bytes.Buffer, r *Report, c *Check, h string) error {
	fmt.Fprintf(b, "%s %s %s\n\n", h, c.ID, checks.Esc(c.Title))
	byDB := false
	for _, res := range c.Results {
		byDB = byDB || res.Database != ""
	}
	if byDB {
		b.WriteString("| Node | Database | Status | Time | Note |\n|---|---|---|---|---|\n")
	} else {
		b.WriteString("| Node | Status | Time | Note |\n|---|---|---|---|\n")
	}
	for _, res := range c.Results {
		note := checks.Esc(res.Reason)
		if res.Hint != "" {
			note += " Hint: " + checks.Code(res.Hint)
		}
		db := ""
		if byDB {
			db = " " + codeOrDash(res.Database) + " |"
		}
		fmt.Fprintf(b, "| %s |%s %s | %.0f ms | %s |\n", checks.Esc(res.Node), db, res.Status, res.DurationMS, note)
	}
	b.WriteString("\n")
	// Findings of a database go under its heading, with its data; the others (the
	// cluster's, or a database without results) first.
	groups := groupByDatabase(c.Results)
	inDB := map[string][]FindingRef{}
	var top []FindingRef
	for _, f := range c.Merged() {
		if f.Database != "" && slices.ContainsFunc(groups, func(g resultGroup) bool { return g.Database == f.Database }) {
			inDB[f.Database] = append(inDB[f.Database], f)
		} else {
			top = append(top, f)
		}
	}
	writeFindingList(b, r, top)
	if c.ID == "C002" {
		// the nodes' replication views joined into one topology (report/topology.go)
		if md := TopologyMarkdown(r); md != "" {
			b.WriteString(md + "\n")
		}
	}
	for _, g := range groups {
		sub := h + "#"
		if g.Database != "" {
			fmt.Fprintf(b, "%s# Database %s\n\n", h, checks.Code(g.Database))
			sub += "#"
			writeFindingList(b, r, inDB[g.Database])
		}
		if err := rd.writeGroup(b, r, c.ID, g, sub); err != nil {
			return err
		}
	}
	return nil
}

// writeFindingList lists a check's findings, each saying where it was found.
func writeFindingList(b *bytes.Buffer, r *Report, fs []FindingRef) {
	for _, f := range fs {
		conclusion := markdownBlock(f.Conclusion)
		if i := strings.LastIndex(conclusion, "\n"); i >= 0 && fenceOf(strings.TrimSpace(conclusion[i:])) != "" {
			conclusion += "\n\n " // the node list after a closing fence would reopen it
		}
		fmt.Fprintf(b, "- **%s** %s", f.Severity, conclusion)
		if len(r.Nodes) > 1 || f.Database != "" {
			fmt.Fprintf(b, " (%s)", where(r, f.Finding))
		}
		if f.Recommendation != "" {
			fmt.Fprintf(b, "\n\n  *Recommendation:* %s", markdownBlock(f.Recommendation))
		}
		b.WriteString("\n")
	}
	if len(fs) > 0 {
		b.WriteString("\n")
	}
}

func codeOrDash(s string) string {
	if s == "" {
		return "–"
	}
	return checks.Code(s)
}

// resultGroup is the results of one database (or of the cluster, Database empty).
type resultGroup struct {
	Database string
	Results  []Result
}

// groupByDatabase groups results by their database, in the order databases first appear.
func groupByDatabase(rs []Result) []resultGroup {
	var out []resultGroup
	at := map[string]int{}
	for _, res := range rs {
		i, ok := at[res.Database]
		if !ok {
			i = len(out)
			at[res.Database] = i
			out = append(out, resultGroup{Database: res.Database})
		}
		out[i].Results = append(out[i].Results, res)
	}
	return out
}

// writeGroup shows the data of one group: once where nodes have the same data, and where
// they differ, a table with a column per node and the first node's full rendering (or,
// for a check without a comparison, each set of nodes with the same data in turn).
// h is the heading level of the labels.
func (rd *Renderer) writeGroup(b *bytes.Buffer, r *Report, id string, g resultGroup, h string) error {
	var in []nodeData
	for _, res := range g.Results {
		if len(res.Data) > 0 {
			in = append(in, nodeData{Node: res.Node, Data: res.Data})
		}
	}
	if len(in) == 0 {
		return nil
	}
	classes := classify(in)
	all := len(in) == len(g.Results) && len(in) == len(r.Nodes)
	labelled := len(r.Nodes) > 1 || len(g.Results) > 1
	res := Result{Database: g.Database}
	if len(classes) == 1 {
		if labelled {
			label := "All nodes"
			if !all {
				label = nodeNames(classes[0].Nodes)
			}
			fmt.Fprintf(b, "%s %s\n\n", h, label)
		}
		res.Node, res.Data = classes[0].Nodes[0], classes[0].Data
		return rd.writeData(b, id, res, classes[0].Nodes)
	}
	if spec, ok := specFor(id, in[0].Data); ok {
		if cmp, ok := compareData(spec, in); ok {
			first := classes[0]
			var others []string
			for _, c := range classes[1:] {
				others = append(others, c.Nodes...)
			}
			verb, shown := "differs", len(cmp.Rows) > 0 || len(cmp.Fields) > 0
			if len(others) > 1 {
				verb = "differ"
			}
			var note string
			switch {
			case shown:
				fmt.Fprintf(b, "%s Differences between nodes\n\n", h)
				writeComparison(b, cmp)
				tables := "the table above shows"
				if len(cmp.Rows) > 0 && len(cmp.Fields) > 0 {
					tables = "the tables above show"
				}
				note = verb + " only as " + tables
				if len(cmp.Hidden) > 0 {
					note = verb + " as " + tables + ", " + hiddenNote(cmp.Hidden)
				}
			case len(cmp.Hidden) > 0:
				note = verb + " only in " + strings.TrimPrefix(hiddenNote(cmp.Hidden), "and in ")
			default: // the same values, in another order
				note = verb + " only in the order of the rows"
			}
			fmt.Fprintf(b, "%s %s (%s %s)\n\n", h, nodeNames(first.Nodes), nodeNames(others), note)
			res.Node, res.Data = first.Nodes[0], first.Data
			return rd.writeData(b, id, res, first.Nodes)
		}
	}
	for _, c := range classes {
		fmt.Fprintf(b, "%s %s\n\n", h, nodeNames(c.Nodes))
		res.Node, res.Data = c.Nodes[0], c.Data
		if err := rd.writeData(b, id, res, c.Nodes); err != nil {
			return err
		}
	}
	return nil
}

// nodeNames lists node names, escaped.
func nodeNames(nodes []string) string {
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = checks.Esc(n)
	}
	return strings.Join(parts, ", ")
}

// writeData renders one node's data (res.Data) with the check's template; nodes are the
// nodes that share it.
func (rd *Renderer) writeData(b *bytes.Buffer, id string, res Result, nodes []string) error {
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
	if err := t.Execute(&out, map[string]any{"Data": data, "Node": res.Node, "Database": res.Database, "Nodes": nodes}); err != nil {
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
	err := rd.writeData(&b, id, res, []string{res.Node})
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
