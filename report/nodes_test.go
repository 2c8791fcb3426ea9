package report

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// section returns the Markdown between "## name" and the next "## ".
func section(md, name string) string {
	_, s, _ := strings.Cut(md, "## "+name+"\n")
	s, _, _ = strings.Cut(s, "\n## ")
	return s
}

// An unreachable node is counted and explained, and shows no empty cells; a node's host
// shows only where it says more than the node's name.
func TestUnreachableNodeCountedAndExplained(t *testing.T) {
	r := &Report{Project: "p",
		Nodes: []Node{
			{Name: "primary", Host: "db1.internal:5432", Role: "primary", Version: "17.2", Database: "app", User: "checkup", PGMonitor: true},
			{Name: "db3.internal:5432", Host: "db3.internal:5432", Error: "dial tcp 10.0.0.3:5432: connection refused"},
		},
		Checks: []Check{{ID: "A002", Title: "Version", Results: []Result{{Node: "primary", Status: checks.StatusOK}}}}}
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := rd.Markdown(r)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	nodes, summary := section(md, "Nodes"), section(md, "Summary")
	if strings.Contains(nodes, "``") || strings.Contains(nodes, "|  |") {
		t.Errorf("empty cells in the Nodes table:\n%s", nodes)
	}
	if strings.Count(nodes, "db3.internal:5432") != 1 || !strings.Contains(nodes, "db1.internal:5432") {
		t.Errorf("host shown where it repeats the name, or hidden where it differs:\n%s", nodes)
	}
	if !strings.Contains(nodes, "**unreachable**") || !strings.Contains(nodes, "connection refused") {
		t.Errorf("unreachable node not explained:\n%s", nodes)
	}
	if !strings.Contains(summary, "1 of 2 nodes unreachable") || !strings.Contains(summary, "no check ran") {
		t.Errorf("summary does not count the unreachable node:\n%s", summary)
	}
}
