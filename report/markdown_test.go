package report

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestFindingsMergeAcrossNodes(t *testing.T) {
	same := checks.Finding{Code: "X/a", Severity: checks.P2, Conclusion: "same everywhere"}
	onlyOne := checks.Finding{Code: "X/b", Severity: checks.P1, Conclusion: "only here", Node: "n2"}
	f1, f2 := same, same
	f1.Node, f2.Node = "n1", "n2"
	r := &Report{Nodes: []Node{{Name: "n1"}, {Name: "n2"}},
		Checks: []Check{{ID: "X001", Title: "T", Findings: []checks.Finding{f1, f2, onlyOne}}}}
	if r.Count(checks.P2) != 1 || r.Count(checks.P1) != 1 {
		t.Fatalf("counts: P1 %d P2 %d", r.Count(checks.P1), r.Count(checks.P2))
	}
	all := r.Findings()
	if len(all) != 2 || all[0].Code != "X/b" || strings.Join(all[1].Nodes, ",") != "n1,n2" {
		t.Fatalf("merged: %+v", all)
	}
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	md, err := rd.Markdown(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| **P2** | [X001](#x001-t) | all nodes | same everywhere |") ||
		!strings.Contains(string(md), "| **P1** | [X001](#x001-t) | n2 | only here |") ||
		strings.Count(string(md), "same everywhere") != 2 { // summary row and the check's list
		t.Fatalf("markdown:\n%s", md)
	}
}
