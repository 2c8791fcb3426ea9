package report

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// A listing's limit never lowers what the report counts: the finding that stands for the
// unlisted rows counts all of them, once across nodes.
func TestCountWeighsUnlisted(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion, Checks: []Check{{ID: "H003", Findings: []checks.Finding{
		{Code: "H003/fk", Severity: checks.P2, Conclusion: "a", Node: "n1"},
		{Code: "H003/fk", Severity: checks.P3, Conclusion: "b", Node: "n1"},
		*checks.Unlisted("H003/fk", checks.P3, 24471, 24473, "foreign keys", "the 2 largest"),
	}}}}
	r.Checks[0].Findings[2].Node = "n1"
	// the same unlisted finding from a second node is the same objects: merged, not added
	second := r.Checks[0].Findings[2]
	second.Node = "n2"
	r.Checks[0].Findings = append(r.Checks[0].Findings, second)
	if got := r.Count(checks.P3); got != 24472 {
		t.Fatalf("P3 = %d, want 24472", got)
	}
	if got := r.CountAtLeast(checks.P2); got != 1 {
		t.Fatalf("P2 or worse = %d, want 1", got)
	}
	if got := r.CountAtLeast(checks.P3); got != 24473 {
		t.Fatalf("P3 or worse = %d, want 24473", got)
	}
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	md, err := rd.Markdown(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| 0 | 1 | 24472 | 0 |") {
		t.Fatalf("the summary does not count the unlisted rows:\n%s", md)
	}
}
