package a002

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

// Compare implements checks.Comparer: a node on another version than the reference (the
// primary, or the first node read when no primary was) is a finding, one per version,
// naming its nodes. The per-node findings of Run stay as they are.
//
//   - another minor of the same major: P2 (P3 for a node of another cluster, known by
//     its system identifier: a logical replica, say). Minor releases of one major are
//     compatible on both ends of streaming replication, but a failover changes the
//     version the cluster runs, and a standby older than its primary may fail to replay
//     WAL records of a newer minor.
//   - another major: P2, as no physical standby can be on another major: the node is not
//     a failover target of the reference. A standby of the same system identifier on
//     another major (it would be broken) is P1.
func (c *Check) Compare(outs []checks.NodeOutcome) []checks.Finding {
	type node struct {
		checks.Node
		d Data
	}
	var reached []node
	for _, o := range outs {
		if d, ok := dataOf(o.Outcome); ok && d.VersionNum > 0 {
			d.Major, d.Minor = releases.VersionNum(d.VersionNum)
			reached = append(reached, node{o.Node, d})
		}
	}
	if len(reached) < 2 {
		return nil
	}
	ref := reached[0]
	for _, n := range reached {
		if n.Role == "primary" {
			ref = n
			break
		}
	}
	type group struct {
		major, minor int
		nodes        []string
		sev          checks.Severity
	}
	var groups []*group
	for _, n := range reached {
		if n.d.VersionNum == ref.d.VersionNum {
			continue
		}
		otherCluster := n.SystemID != "" && ref.SystemID != "" && n.SystemID != ref.SystemID
		sev := checks.P2
		switch {
		case n.d.Major != ref.d.Major && n.InRecovery && !otherCluster && n.SystemID != "":
			sev = checks.P1
		case n.d.Major == ref.d.Major && otherCluster:
			sev = checks.P3
		}
		var g *group
		for _, x := range groups {
			if x.major == n.d.Major && x.minor == n.d.Minor {
				g = x
			}
		}
		if g == nil {
			g = &group{major: n.d.Major, minor: n.d.Minor}
			groups = append(groups, g)
		}
		g.nodes = append(g.nodes, n.Name)
		g.sev = max(g.sev, sev)
	}
	refVer := fmt.Sprintf("%d.%d", ref.d.Major, ref.d.Minor)
	var out []checks.Finding
	for _, g := range groups {
		ver := fmt.Sprintf("%d.%d", g.major, g.minor)
		f := checks.Finding{Severity: g.sev, Nodes: g.nodes}
		who := strings.Join(g.nodes, ", ")
		if g.major == ref.d.Major {
			f.Code = "A002/minor-differs"
			f.Conclusion = fmt.Sprintf("%s runs PostgreSQL %s, %s (the reference) %s: the nodes are on different minor releases, so a failover changes the version the cluster runs.",
				who, ver, ref.Name, refVer)
			f.Recommendation = fmt.Sprintf("Update every node to the same (newest) minor release of %d: the standbys first, then the primary (by a switchover or a restart), as the release notes advise, since a standby may not replay WAL from a newer primary.", g.major)
			if g.sev == checks.P3 {
				f.Conclusion = fmt.Sprintf("%s, a node of another cluster (its system identifier differs), runs PostgreSQL %s, %s (the reference) %s.", who, ver, ref.Name, refVer)
				f.Recommendation = fmt.Sprintf("Keep the nodes on the same minor release of %d so they share the same fixes.", g.major)
			}
		} else {
			f.Code = "A002/major-differs"
			f.Conclusion = fmt.Sprintf("%s runs PostgreSQL %s, %s (the reference) %s: a node on another major cannot be a physical standby of the reference, so it is no failover target for it.",
				who, ver, ref.Name, refVer)
			f.Recommendation = "If the node belongs to this cluster (a logical replica, an upgrade in progress), bring every node to the same major; otherwise check it in a report of its own."
			if g.sev == checks.P1 {
				f.Conclusion = fmt.Sprintf("%s is a standby with the system identifier of %s (the reference) but runs PostgreSQL %s, not %s: it cannot replay WAL of another major.",
					who, ref.Name, ver, refVer)
				f.Recommendation = fmt.Sprintf("Rebuild the standby from a base backup of %s with the same major's binaries.", ref.Name)
			}
		}
		out = append(out, f)
	}
	return out
}

func dataOf(o *checks.Outcome) (Data, bool) {
	if o == nil {
		return Data{}, false
	}
	switch d := o.Data.(type) {
	case Data:
		return d, true
	case *Data:
		if d != nil {
			return *d, true
		}
	}
	return Data{}, false
}
