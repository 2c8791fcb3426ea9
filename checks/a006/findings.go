package a006

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

// findings turns the comparison into findings: one per row, and an info finding naming
// the nodes that were not compared.
func findings(cmp Comparison) []checks.Finding {
	var out []checks.Finding
	var missed []string
	var missedNodes []string
	for _, col := range cmp.Nodes {
		if !col.Compared {
			missed = append(missed, fmt.Sprintf("%s (%s)", col.Node, col.Reason))
			missedNodes = append(missedNodes, string(col.Node))
		}
	}
	if len(cmp.Nodes) > 1 && len(missed) > 0 {
		what := "Settings were compared between the other nodes only"
		if len(cmp.Nodes)-len(missed) < 2 {
			what = "Fewer than two nodes were read, so no settings were compared"
		}
		out = append(out, checks.Finding{Code: "A006/not-compared", Severity: checks.Info, Nodes: missedNodes,
			Conclusion: fmt.Sprintf("Not compared: %s. %s: a difference on the nodes not read is unknown.",
				strings.Join(missed, "; "), what),
			Recommendation: "Run pgcheckup again when every node can be reached to compare all of them."})
	}
	for _, r := range cmp.Rows {
		out = append(out, rowFinding(cmp, r))
	}
	return out
}

func rowFinding(cmp Comparison, r Row) checks.Finding {
	name := string(r.Name)
	var parts, nodes []string
	for i, c := range r.Cells {
		if c.NotRead {
			continue
		}
		node := string(cmp.Nodes[i].Node)
		var s string
		switch {
		case c.Missing:
			s = fmt.Sprintf("not set on %s", node)
		default:
			s = fmt.Sprintf("%s on %s (%s)", shown(name, string(c.Value)), node, c.Source)
		}
		if c.PendingRestart {
			s += ", restart pending"
		}
		parts = append(parts, s)
		switch {
		case r.Code == "A006/pending-restart" && c.PendingRestart, r.Severity == checks.P1 && c.BelowPrimary,
			r.Code != "A006/pending-restart" && r.Severity != checks.P1 && c.Differs:
			nodes = append(nodes, node)
		}
	}
	f := checks.Finding{Code: string(r.Code), Severity: r.Severity, Nodes: nodes}
	list := strings.Join(parts, "; ")
	set := fmt.Sprintf("`ALTER SYSTEM SET %s = …` and `SELECT pg_catalog.pg_reload_conf()`", name)
	if r.Context == "postmaster" {
		set = fmt.Sprintf("`ALTER SYSTEM SET %s = …` (or `postgresql.conf`) and a restart", name)
	}
	switch {
	case r.Code == "A006/pending-restart":
		f.Conclusion = fmt.Sprintf("%s was changed in the configuration of some nodes but waits for a restart there: %s. After the restart the nodes will differ.",
			checks.Code(name), list)
		f.Recommendation = fmt.Sprintf("Restart the nodes with a pending change (a standby first, the primary at a quiet moment or by a switchover), or revert the change, so that %s is the same everywhere.", checks.Code(name))
	case r.Severity == checks.P1:
		f.Conclusion = fmt.Sprintf("%s is lower on a standby than on the primary %s: %s. A hot standby needs at least the primary's value: it stops replaying (PostgreSQL 12 and 13 shut down, 14 and later pause recovery) as soon as the primary's value reaches it in the WAL, e.g. after the primary restarts.",
			checks.Code(name), cmp.Reference, list)
		f.Recommendation = fmt.Sprintf("Raise %s on %s to at least the primary's %s (%s), and keep it the same on every node so that any of them can take over.",
			checks.Code(name), strings.Join(f.Nodes, ", "), shown(name, string(r.Value)), set)
	default:
		f.Conclusion = fmt.Sprintf("%s differs between the nodes: %s.", checks.Code(name), list)
		if r.Severity == checks.P2 {
			f.Conclusion += " A standby promoted to primary would run with another value than the primary has now."
		}
		f.Recommendation = fmt.Sprintf("Unless the difference is intended, give %s the same value on every node (%s), so that a failover does not change how the cluster behaves.",
			checks.Code(name), set)
		if name == "synchronous_standby_names" {
			f.Recommendation += " If an HA tool (Patroni, ...) sets it on the leader only, this is expected."
		}
	}
	return f
}

// shown is a value as a finding may print it: a custom setting's value may be a secret
// and is not printed; a secret-bearing one (archive_command) is redacted.
func shown(name, v string) string {
	if !privacy.SettingShown(name) {
		return "(value hidden)"
	}
	if privacy.IsSecretSetting(name) {
		v = privacy.RedactSetting(name, v)
	}
	if v == "" {
		return "*empty*"
	}
	return checks.Code(v)
}
