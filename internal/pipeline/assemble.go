package pipeline

import (
	"encoding/json"
	"fmt"
	"slices"

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
			if f := compare(cfg.Checks[i], rc.Results, rep.Nodes, nodes); len(f) > 0 {
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
		replaced := false
		if i < len(cfg.Checks) {
			if r, ok := cfg.Checks[i].(checks.Replacer); ok && r.ReplacesNodeFindings() {
				replaced = true
			}
		}
		for j := range rc.Results {
			res := &rc.Results[j]
			res.Node = san.NodeName(res.Node)
			res.Database = san.DatabaseName(res.Database)
			res.Reason, res.Hint = san.Message(res.Reason), san.Message(res.Hint)
			if res.SameAs != "" {
				res.SameAs = san.NodeName(res.SameAs)
			}
			o := res.Outcome
			if o == nil {
				continue
			}
			for k := range o.Findings {
				o.Findings[k].Node = san.NodeName(o.Findings[k].Node)
				o.Findings[k].Database = san.DatabaseName(o.Findings[k].Database)
			}
			if !replaced {
				rc.Findings = append(rc.Findings, o.Findings...)
			}
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
		if i < len(cfg.Checks) && cfg.Checks[i].Meta().Replicated {
			rc.Findings = append(rc.Findings, standsFor(rc)...)
		}
		if compared[i] != nil {
			for k := range compared[i].Findings {
				f := &compared[i].Findings[k]
				for n := range f.Nodes {
					f.Nodes[n] = san.NodeName(f.Nodes[n])
				}
				f.Database = san.DatabaseName(f.Database)
			}
			rc.Findings = append(rc.Findings, compared[i].Findings...)
		}
		rc.Findings = report.MergeFindings(rc.Findings)
	}
	return nil
}

// compare runs a check's comparison over its outcomes on every node of the report, once
// per database for a database-scoped check. A node that was not reached, or did not
// check that database, is in the comparison with the reason, so a verdict that needs
// every node can say "unknown".
func compare(c checks.Check, results []report.Result, all []report.Node, live []checks.Node) []checks.Finding {
	cmp, ok := c.(checks.Comparer)
	if !ok {
		return nil
	}
	info := map[string]checks.Node{}
	for _, n := range live {
		info[n.Name] = n
	}
	var dbs []string
	seen := map[string]bool{}
	for _, r := range results {
		if !seen[r.Database] {
			seen[r.Database] = true
			dbs = append(dbs, r.Database)
		}
	}
	var out []checks.Finding
	for _, db := range dbs {
		in := make([]checks.NodeOutcome, 0, len(all))
		for _, n := range all {
			no := checks.NodeOutcome{Node: checks.Node{Name: n.Name, Host: n.Host, Role: n.Role, Database: db}, Status: checks.StatusError}
			if li, ok := info[n.Name]; ok {
				no.Node = li
				no.Node.Database = db
			}
			switch {
			case n.Error != "":
				no.Unreachable = "node not reachable: " + n.Error
			default:
				no.Unreachable = "database not checked on this node"
				for _, r := range results {
					if r.Node == n.Name && r.Database == db {
						no.Status, no.Outcome, no.Unreachable = r.Status, r.Outcome, ""
						break
					}
				}
			}
			in = append(in, no)
		}
		f := cmp.Compare(in)
		for i := range f {
			f[i].Node = ""
			if c.Meta().Scope == checks.Database {
				f[i].Database = db
			}
		}
		out = append(out, f...)
	}
	return out
}

// standsFor gives each standby whose result is its primary's (Result.SameAs, see
// checks.Meta.Replicated) the primary's findings in the same database, so that they merge
// into one finding on every node the data is on: the standby would have read the same
// replicated rows.
func standsFor(rc *report.Check) []checks.Finding {
	var out []checks.Finding
	n := len(rc.Findings)
	for _, r := range rc.Results {
		if r.SameAs == "" {
			continue
		}
		for _, f := range rc.Findings[:n] {
			if f.Node == r.SameAs && f.Database == r.Database {
				// Its own slices: nothing may rewrite one finding through another.
				f.Node, f.Objects, f.Nodes = r.Node, slices.Clone(f.Objects), slices.Clone(f.Nodes)
				out = append(out, f)
			}
		}
	}
	return out
}
