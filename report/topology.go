package report

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/c002/topology"
)

// replicationTopology derives the streaming topology from the report's C002 results (the
// same derivation C002's Compare uses). ok is false when the report has fewer than two
// nodes or no C002 data.
func replicationTopology(r *Report) (g topology.Graph, ok bool) {
	if len(r.Nodes) < 2 {
		return g, false
	}
	var c002 *Check
	for i := range r.Checks {
		if r.Checks[i].ID == "C002" {
			c002 = &r.Checks[i]
		}
	}
	if c002 == nil {
		return g, false
	}
	byNode := map[string]Result{}
	for _, res := range c002.Results {
		byNode[res.Node] = res
	}
	nodes := make([]topology.Node, 0, len(r.Nodes))
	have := false
	for _, n := range r.Nodes {
		tn := topology.Node{Name: n.Name, Host: n.Host, SystemID: n.SystemID, Role: n.Role}
		res, found := byNode[n.Name]
		var f topology.Facts
		switch {
		case n.Error != "":
			tn.Missing = "node not reachable: " + n.Error
		case !found || len(res.Data) == 0:
			tn.Missing = "C002 " + string(res.Status)
			if res.Reason != "" {
				tn.Missing += ": " + res.Reason
			}
		case json.Unmarshal(res.Data, &f) != nil:
			tn.Missing = "C002 data unreadable"
		default:
			tn.Facts, have = &f, true
		}
		nodes = append(nodes, tn)
	}
	if !have {
		return g, false
	}
	return topology.Derive(nodes), true
}

// plain makes a string from the report safe as an ECharts label: visible characters
// only, and no braces (ECharts reads {a|...} in a label as rich-text markup).
func plain(s string) string {
	return strings.NewReplacer("{", "(", "}", ")").Replace(checks.Visible(s))
}

// topologyChart draws the replication topology: servers labelled with name and role,
// an arrow per streaming link, labelled with the lag from both ends.
func topologyChart(r *Report) *chart {
	g, ok := replicationTopology(r)
	if !ok || len(g.Edges) == 0 {
		return nil
	}
	depth := g.Depth()
	rows := map[int]int{}
	index := map[string]int{}
	var nodes []opts.GraphNode
	add := func(key, label string, d int, external bool) int {
		if i, ok := index[key]; ok {
			return i
		}
		sym, color := "roundRect", "#0969da"
		if external {
			sym, color = "circle", "#8c959f"
		}
		nodes = append(nodes, opts.GraphNode{Name: label, X: float32(d * 260), Y: float32(rows[d] * 90), Symbol: sym,
			SymbolSize: 18, ItemStyle: &opts.ItemStyle{Color: color}})
		rows[d]++
		index[key] = len(nodes) - 1
		return len(nodes) - 1
	}
	role := map[string]string{}
	for _, e := range g.Edges {
		if e.Upstream != "" && e.Downstream != "" {
			role[e.Upstream] = "cascading"
		}
	}
	for _, n := range g.Nodes {
		label := plain(n.Name) + "\n" + nodeRole(n, role[n.Name] != "")
		add("node:"+n.Name, label, depth[n.Name], false)
	}
	var links []opts.GraphLink
	for i, e := range g.Edges {
		var from, to int
		if e.Upstream != "" {
			from = index["node:"+e.Upstream]
		} else {
			from = add("addr:"+e.UpstreamAddr, plain(e.UpstreamAddr)+"\nnot in the report", 0, true)
		}
		if e.Downstream != "" {
			to = index["node:"+e.Downstream]
		} else {
			to = add(fmt.Sprintf("sender:%d", i), plain(e.Application)+"\n"+string(e.Match), depth[e.Upstream]+1, true)
		}
		style := &opts.LineStyle{Width: 2, Color: "#57606a"}
		if !e.Matched() {
			style.Type = "dashed"
		}
		links = append(links, opts.GraphLink{Source: from, Target: to, LineStyle: style,
			Label: &opts.EdgeLabel{Show: opts.Bool(true), Formatter: plain(linkLabel(e)), FontSize: 11}})
	}
	graph := charts.NewGraph()
	graph.SetGlobalOptions(noAnimation(), charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(false)}))
	graph.AddSeries("replication", nodes, links, charts.WithGraphChartOpts(opts.GraphChart{Layout: "none",
		EdgeSymbol: []string{"none", "arrow"}, EdgeSymbolSize: 10}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "bottom"}))
	graph.Validate()
	most := 1
	for _, n := range rows {
		most = max(most, n)
	}
	return &chart{ID: "chart-topology", Title: "Replication topology (C002)", Height: 120 + 90*most, Option: graph.JSON()}
}

func nodeRole(n topology.Node, cascading bool) string {
	switch {
	case n.Facts == nil:
		return "not checked"
	case !n.Facts.InRecovery:
		return "primary"
	case cascading:
		return "cascading standby"
	}
	return "standby"
}

// linkLabel is the lag of a link from both ends, and its sync state.
func linkLabel(e topology.Edge) string {
	var p []string
	if s := e.Sender; s != nil {
		v := "upstream: " + optBytes(s.ReplayLagBytes)
		if s.ReplayLagSec != nil {
			v += ", " + checks.Duration(*s.ReplayLagSec)
		}
		p = append(p, v)
	}
	if e.Receiver != nil {
		p = append(p, "standby: "+optBytes(e.Receiver.BehindBytes()))
	}
	if e.Sender != nil && e.Sender.SyncState != "" {
		p = append(p, e.Sender.SyncState)
	}
	if !e.Matched() && e.Match != topology.UnmatchedSender {
		p = append(p, string(e.Match))
	}
	return strings.Join(p, " · ")
}

func optBytes(b *float64) string {
	if b == nil {
		return "unknown"
	}
	return checks.Bytes(int64(*b))
}

// TopologyMarkdown is the replication topology as a Markdown table, one row per link:
// both ends, how they were matched, and the lag as each end sees it. Empty when the
// report has fewer than two nodes or no link.
func TopologyMarkdown(r *Report) string {
	g, ok := replicationTopology(r)
	if !ok || len(g.Edges) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("Replication topology (upstream → downstream). *Upstream's view*: what its `pg_stat_replication` says the standby has not replayed (from the upstream's current WAL position) and the replay lag time; " +
		"*standby's view*: WAL its upstream had at its last message that the standby has not replayed.\n\n")
	b.WriteString("| Upstream | Downstream | Matched by | State | Sync | Slot | Upstream's view | Standby's view | Not yet replayed | Last replayed commit |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	dash := func(s string) string {
		if s == "" {
			return "–"
		}
		return s
	}
	for _, e := range g.Edges {
		up := checks.Code(e.Upstream)
		if e.Upstream == "" {
			up = checks.Code(e.UpstreamAddr) + " (not in the report)"
		}
		down := checks.Code(e.Downstream)
		if e.Downstream == "" {
			down = checks.Code(e.Application) + " (not a node of the report)"
		}
		var state, sync, slot, upView string
		if s := e.Sender; s != nil {
			state, sync = checks.Esc(s.State), checks.Esc(s.SyncState)
			if s.Slot != nil {
				slot = checks.Code(*s.Slot)
			}
			upView = optBytes(s.ReplayLagBytes)
			if s.ReplayLagSec != nil {
				upView += " / " + checks.Duration(*s.ReplayLagSec)
			}
		}
		var ownView, pending, last string
		if rc := e.Receiver; rc != nil {
			if slot == "" && rc.Slot != nil {
				slot = checks.Code(*rc.Slot)
			}
			if rc.Status != nil && state == "" {
				state = "receiver " + checks.Esc(*rc.Status)
			}
			ownView, pending = optBytes(rc.BehindBytes()), optBytes(rc.ReplayLagBytes)
			if rc.LastReplayAgeSec != nil {
				last = checks.Duration(*rc.LastReplayAgeSec) + " ago"
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", up, down, checks.Esc(string(e.Match)),
			dash(state), dash(sync), dash(slot), dash(upView), dash(ownView), dash(pending), dash(last))
	}
	return b.String()
}
