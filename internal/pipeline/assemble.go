package pipeline

import (
	"encoding/json"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// assemble turns the typed outcomes of a run into the report: checks that compare nodes
// see every node's outcome of theirs, the privacy rules run over all outcomes by type
// (names first, then free text, so a name one check saw is hidden in every other
// check's text), and each result's data is encoded to JSON once, in its struct's field
// order. nodes are the nodes the checks ran on, in the order of each check's results.
func assemble(rep *report.Report, cfg Config, nodes []checks.Node) error {
	san := cfg.Sanitizer
	var all []*checks.Outcome
	compared := make([]*checks.Outcome, len(rep.Checks))
	for i := range rep.Checks {
		rc := &rep.Checks[i]
		for j := range rc.Results {
			if o := rc.Results[j].Outcome; o != nil {
				all = append(all, o)
			}
		}
		if i < len(cfg.Checks) {
			if f := compare(cfg.Checks[i], rc.Results, nodes); len(f) > 0 {
				compared[i] = &checks.Outcome{Findings: f}
				all = append(all, compared[i])
			}
		}
	}
	if err := san.Outcomes(all); err != nil {
		return fmt.Errorf("sanitize report: %w", err)
	}
	for i := range rep.Nodes {
		san.Node(&rep.Nodes[i])
	}
	for i := range rep.Checks {
		rc := &rep.Checks[i]
		// Findings are taken from the sanitized outcomes; the runner's copies are not.
		rc.Findings = []checks.Finding{}
		for j := range rc.Results {
			res := &rc.Results[j]
			res.Node = san.NodeName(res.Node)
			res.Reason, res.Hint = san.Message(res.Reason), san.Message(res.Hint)
			o := res.Outcome
			if o == nil {
				continue
			}
			for k := range o.Findings {
				o.Findings[k].Node = san.NodeName(o.Findings[k].Node)
			}
			rc.Findings = append(rc.Findings, o.Findings...)
			if o.Data == nil {
				continue
			}
			b, err := json.Marshal(o.Data)
			if err != nil {
				res.Status, res.Reason, res.Hint = checks.StatusError, "encode data: "+err.Error(), ""
				continue
			}
			res.Data = b
		}
		if compared[i] != nil {
			rc.Findings = append(rc.Findings, compared[i].Findings...)
		}
	}
	return nil
}

// compare runs a check's comparison over its outcomes on every node, when it has one.
func compare(c checks.Check, results []report.Result, nodes []checks.Node) []checks.Finding {
	cmp, ok := c.(checks.Comparer)
	if !ok || len(results) != len(nodes) {
		return nil
	}
	in := make([]checks.NodeOutcome, len(results))
	for i, r := range results {
		in[i] = checks.NodeOutcome{Node: nodes[i], Status: r.Status, Outcome: r.Outcome}
	}
	out := cmp.Compare(in)
	for i := range out {
		out[i].Node = ""
	}
	return out
}
