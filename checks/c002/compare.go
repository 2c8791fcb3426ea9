package c002

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/c002/topology"
)

// Compare implements checks.Comparer: it derives the replication topology from every
// node's data (the same derivation the report draws, see package topology) and reports
// the links it cannot see from both ends, and the links whose ends disagree.
func (c *Check) Compare(outcomes []checks.NodeOutcome) []checks.Finding {
	if len(outcomes) < 2 {
		return nil
	}
	g := topology.Derive(Nodes(outcomes))
	missing := map[string]string{}
	for _, n := range g.Nodes {
		missing[n.Name] = n.Missing
	}
	lagBytes := c.cfg.LagMB * (1 << 20)
	var out []checks.Finding
	for _, e := range g.Edges {
		if e.Downstream == "" {
			continue
		}
		s, addr := checks.Code(e.Downstream), checks.Code(e.UpstreamAddr)
		switch e.Match {
		case topology.NotListed, topology.Ambiguous:
			why := "lists no WAL sender that could be it"
			if e.Match == topology.Ambiguous {
				why = "has several WAL senders that could be it and nothing tells which"
			}
			out = append(out, checks.Finding{Code: "C002/standby-not-matched", Severity: checks.Info, Nodes: []string{e.Downstream, e.Upstream},
				Conclusion: fmt.Sprintf("Standby %s streams from %s, which is node %s, but %s's %s %s: the lag as its upstream sees it is unknown.",
					s, addr, checks.Code(e.Upstream), checks.Code(e.Upstream), checks.Code("pg_stat_replication"), why),
				Recommendation: "Give the standby a replication slot (" + checks.Code("primary_slot_name") + "), or name its node in pgcheckup after the " +
					checks.Code("application_name") + " of its " + checks.Code("primary_conninfo") + ", so both ends can be matched. If the standby connects " +
					"through a proxy or a virtual address, check which server really serves it."})
		case topology.UpstreamNotChecked:
			out = append(out, checks.Finding{Code: "C002/upstream-not-checked", Severity: checks.Info, Nodes: []string{e.Downstream, e.Upstream},
				Conclusion: fmt.Sprintf("Standby %s streams from node %s, which was not checked (%s): its lag is known only as the standby sees it.",
					s, checks.Code(e.Upstream), checks.Esc(missing[e.Upstream])),
				Recommendation: "Check both nodes in the same run to see the lag from both ends."})
		case topology.UpstreamOutside:
			out = append(out, checks.Finding{Code: "C002/upstream-outside-report", Severity: checks.Info, Nodes: []string{e.Downstream},
				Conclusion: fmt.Sprintf("Standby %s streams from %s, which is not a node of this report (nodes are recognised by the host and port they were given as, "+
					"or by a replication slot or %s): the topology is incomplete there.", s, addr, checks.Code("application_name")),
				Recommendation: "Add that server to the run (" + checks.Code("-h") + "), under the address the standby uses, to see its side of the link."})
		}
		if !e.Matched() || e.Sender.ReplayLagBytes == nil {
			continue
		}
		own := e.Receiver.BehindBytes()
		if own == nil || math.Abs(*e.Sender.ReplayLagBytes-*own) <= lagBytes {
			continue
		}
		out = append(out, checks.Finding{Code: "C002/lag-views-differ", Severity: checks.Info, Nodes: []string{e.Upstream, e.Downstream},
			Conclusion: fmt.Sprintf("The two ends of %s → %s disagree on the lag: %s sees the standby %s behind in replay, the standby sees itself %s behind "+
				"(WAL its upstream had at its last message%s, not yet replayed). The nodes were read at different moments, so part of the difference can be WAL written in between.",
				checks.Code(e.Upstream), s, checks.Code(e.Upstream), checks.Bytes(int64(*e.Sender.ReplayLagBytes)), checks.Bytes(int64(*own)), ago(e.Receiver.LastMessageAgeSec)),
			Recommendation: "If it persists across runs, the upstream's picture is stale or the standby's is: look at the standby's replies (" +
				checks.Code("wal_receiver_status_interval") + ", last reply" + ago(e.Sender.ReplyAgeSec) + ") and at the network between them."})
	}
	return out
}

func ago(sec *float64) string {
	if sec == nil {
		return " (time unknown)"
	}
	return " " + checks.Duration(*sec) + " ago"
}

// Nodes converts the outcomes of C002 into the topology's input, through the same JSON
// the report stores, so the check and the renderers see the same fields.
func Nodes(outcomes []checks.NodeOutcome) []topology.Node {
	out := make([]topology.Node, 0, len(outcomes))
	for _, o := range outcomes {
		n := topology.Node{Name: o.Node.Name, Host: o.Node.Host, SystemID: o.Node.SystemID, Role: o.Node.Role}
		switch {
		case o.Outcome == nil && o.Unreachable != "":
			n.Missing = o.Unreachable
		case o.Outcome == nil:
			n.Missing = "C002 " + string(o.Status)
		default:
			var f topology.Facts
			b, err := json.Marshal(o.Outcome.Data)
			if err == nil {
				err = json.Unmarshal(b, &f)
			}
			if err != nil {
				n.Missing = "C002 data unreadable: " + err.Error()
			} else {
				n.Facts = &f
			}
		}
		out = append(out, n)
	}
	return out
}

var _ checks.Comparer = (*Check)(nil)
