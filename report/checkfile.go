package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// checkFileHeader is what md/<ID>.md says under its heading, so that a file mailed or
// pasted on its own still tells which project, nodes and databases it is about and when
// it was measured: the full report has this in its own header and Nodes table.
func checkFileHeader(r *Report, c *Check) string {
	var nodes, dbs []string
	seenNode, seenDB := map[string]bool{}, map[string]bool{}
	byName := map[string]Node{}
	for _, n := range r.Nodes {
		byName[n.Name] = n
	}
	for _, res := range c.Results {
		if !seenNode[res.Node] {
			seenNode[res.Node] = true
			label := checks.Esc(res.Node)
			if n, ok := byName[res.Node]; ok && n.Version != "" {
				label += " (" + textOrDash(n.Role) + ", " + checks.Esc(n.Version) + ")"
			}
			nodes = append(nodes, label)
		}
		db := res.Database
		if db == "" { // a cluster-wide check ran in the node's session database
			db = byName[res.Node].Database
		}
		if db != "" && !seenDB[db] {
			seenDB[db] = true
			dbs = append(dbs, checks.Code(db))
		}
	}
	if len(nodes) == 0 {
		nodes = []string{"–"}
	}
	if len(dbs) == 0 {
		dbs = []string{"–"}
	}
	when := "–"
	if !r.StartedAt.IsZero() {
		when = r.StartedAt.UTC().Format("2006-01-02 15:04:05") + " UTC"
	}
	return fmt.Sprintf("Project %s · nodes: %s · databases: %s · run started %s by %s %s\n\n",
		checks.Code(r.Project), strings.Join(nodes, ", "), strings.Join(dbs, ", "), when,
		checks.Esc(r.Tool.Name), checks.Esc(r.Tool.Version))
}

// withHeader inserts the header after the first line (the check's heading) of md.
func withHeader(md []byte, header string) []byte {
	head, rest, ok := bytes.Cut(md, []byte("\n\n"))
	if !ok {
		return append(md, header...)
	}
	var b bytes.Buffer
	b.Write(head)
	b.WriteString("\n\n")
	b.WriteString(header)
	b.Write(rest)
	return b.Bytes()
}
