package pipeline

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/report"
)

type sizes struct {
	Table checks.Name     `json:"table"`
	Rows  checks.Estimate `json:"rows"`
	Level checks.Label    `json:"level"`
}

// comparing is a check that reports each node's table and compares the nodes.
type comparing struct{ seen *[]checks.NodeOutcome }

func (comparing) Meta() checks.Meta       { return checks.Meta{ID: "T001", Title: "t"} }
func (comparing) Queries() []checks.Query { return nil }
func (comparing) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	return &checks.Outcome{Data: &sizes{Table: checks.Name("orders_" + t.Node.Name), Rows: 10, Level: "high"},
		Findings: []checks.Finding{{Code: "T001/x", Severity: checks.P3, Conclusion: "Table " + checks.Code("orders_"+t.Node.Name)}}}, nil
}

// Compare sees typed, not yet sanitized outcomes of every node, in node order.
func (c comparing) Compare(outs []checks.NodeOutcome) []checks.Finding {
	*c.seen = outs
	a, b := outs[0].Outcome.Data.(*sizes), outs[1].Outcome.Data.(*sizes)
	return []checks.Finding{{Code: "T001/differs", Severity: checks.P2,
		Conclusion: checks.Code(string(a.Table)) + " on one node, " + checks.Code(string(b.Table)) + " on the other"}}
}

// TestAssembleComparesAndSanitizesTyped: the runner keeps typed outcomes; the pipeline
// gives a Comparer every node's outcome, then sanitizes everything by type (the
// comparison's findings included) and encodes the data once, keeping keys and labels.
func TestAssembleComparesAndSanitizesTyped(t *testing.T) {
	var seen []checks.NodeOutcome
	c := comparing{&seen}
	infos := []checks.Node{{Name: "db1.example.com:5432"}, {Name: "db2.example.com:5432"}}
	nodes := []runner.Node{{Info: infos[0]}, {Info: infos[1]}}
	rep := &report.Report{Nodes: []report.Node{{Name: infos[0].Name, Host: infos[0].Name}, {Name: infos[1].Name, Host: infos[1].Name}}}
	rep.Checks = runner.Run(context.Background(), []checks.Check{c}, nodes, runner.Options{})
	if d := rep.Checks[0].Results[0]; d.Outcome == nil || len(d.Data) != 0 {
		t.Fatalf("runner encoded or lost the outcome: %+v", d)
	}
	a, _ := privacy.NewAnonymizer([]byte("0123456789abcdef0123"))
	san, _ := privacy.New(privacy.Policy{Anonymizer: a, Mask: []privacy.MaskRule{{Pattern: regexp.MustCompile(`db\d\.example\.com`), Replacement: "host"}}})
	if err := assemble(rep, Config{Sanitizer: san, Checks: []checks.Check{c}}, infos); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[1].Node.Name != infos[1].Name || seen[1].Status != checks.StatusFindings {
		t.Fatalf("compare saw %+v", seen)
	}
	var b strings.Builder
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "orders_") || strings.Contains(out, "example.com") {
		t.Errorf("leaks a name or host:\n%s", out)
	}
	if !strings.Contains(out, `"data": {
            "table": "n_`) || !strings.Contains(out, `"level": "high"`) {
		t.Errorf("data not encoded in field order with its label:\n%s", out)
	}
	// With --anonymize the host becomes a pseudonym before the site's masks run (as names
	// do), the same one in the results and the findings.
	hostRE := regexp.MustCompile(`^n_[0-9a-f]{10}:5432$`)
	if f := rep.Checks[0].Findings; len(f) != 3 || f[2].Code != "T001/differs" || f[0].Node != "" || len(f[0].Nodes) != 1 ||
		!hostRE.MatchString(f[0].Nodes[0]) || f[0].Nodes[0] != rep.Checks[0].Results[0].Node || f[0].Nodes[0] == rep.Checks[0].Results[1].Node {
		t.Errorf("findings %+v", f)
	}
}
