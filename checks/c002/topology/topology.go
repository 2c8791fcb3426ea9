// Package topology derives the streaming replication topology of a report's nodes from
// what C002 recorded on each of them: which node streams from which (cascades
// included), and the lag of each link as its upstream sees it (pg_stat_replication) and
// as the standby sees it (its WAL receiver). It is pure and reads only fields C002 writes
// into report.json, so C002's Compare and the renderers (from the JSON alone) derive the
// same graph.
//
// # How a standby is matched to its upstream
//
// Neither end names the other in a way SQL can read safely: primary_conninfo (and
// pg_stat_wal_receiver.conninfo) can hold a password, and the client address the
// upstream sees is the standby's address on some interface, which the standby cannot
// know. So:
//
//  1. The upstream node: the standby's WAL receiver reports the host and port it is
//     connected to (sender_host, sender_port; PostgreSQL 11+). The upstream is the node
//     of the report whose address (host:port as given to pgcheckup, host compared
//     without case) is that, with the same system identifier when both are known.
//  2. The upstream's row for the standby (its WAL sender in pg_stat_replication), tried
//     in this order, each accepted only when exactly one unclaimed row fits and no other
//     standby wants the same row: the replication slot (the receiver's slot_name is the
//     slot the WAL sender uses); the application_name equal to the standby's node name in
//     the report (so naming a node after its application_name makes the match certain);
//     the application_name equal to the standby's cluster_name (the WAL receiver's
//     default application_name when primary_conninfo sets none). When step 1 found no
//     node, these are tried over the rows of every node of the same system.
//  3. By elimination: when the upstream is known by address and, after step 2, exactly
//     one standby of the report points at it unmatched and exactly one of its WAL senders
//     (not a base backup) is unclaimed, that sender is the standby's: a streaming
//     receiver always has a sender on the other end.
//
// A standby matched to no row keeps an edge whose Match says why (its upstream lists no
// sender for it, several could be it, the upstream was not checked, or the upstream is
// not a node of the report). WAL senders left unclaimed become edges of their own, to a
// receiver that is not a node of the report (pg_receivewal, standbys not checked, base
// backups) or not identified.
package topology

import (
	"net"
	"strconv"
	"strings"
)

// Sender is one row of a node's pg_stat_replication, as C002 records it (lags in bytes
// from the sending node's current position, times as the server measures them).
type Sender struct {
	PID            int      `json:"pid"`
	Application    string   `json:"application"`
	State          string   `json:"state"`
	SyncState      string   `json:"sync_state"`
	SyncPriority   int      `json:"sync_priority"`
	Slot           *string  `json:"slot"`
	SentLagBytes   *float64 `json:"sent_lag_bytes"`
	WriteLagBytes  *float64 `json:"write_lag_bytes"`
	FlushLagBytes  *float64 `json:"flush_lag_bytes"`
	ReplayLagBytes *float64 `json:"replay_lag_bytes"`
	WriteLagSec    *float64 `json:"write_lag_sec"`
	FlushLagSec    *float64 `json:"flush_lag_sec"`
	ReplayLagSec   *float64 `json:"replay_lag_sec"`
	ReplyAgeSec    *float64 `json:"reply_age_sec"`
}

// Receiver is a standby's WAL receiver and replay, as C002 records it.
type Receiver struct {
	Status     *string `json:"status"`
	Slot       *string `json:"slot"`
	SenderHost *string `json:"sender_host"`
	SenderPort *int    `json:"sender_port"`
	// WAL the upstream had (by its last message) that this standby had not flushed.
	UpstreamAheadBytes *float64 `json:"upstream_ahead_bytes"`
	// WAL received but not yet replayed.
	ReplayLagBytes    *float64 `json:"replay_lag_bytes"`
	LastReplayAgeSec  *float64 `json:"last_replay_age_sec"`
	LastMessageAgeSec *float64 `json:"last_message_age_sec"`
	PauseState        string   `json:"pause_state"`
}

// BehindBytes is the standby's own view of how far it is behind its upstream: WAL the
// upstream had at its last message and this standby has not replayed. Nil when unknown.
func (r *Receiver) BehindBytes() *float64 {
	if r == nil || r.UpstreamAheadBytes == nil || r.ReplayLagBytes == nil {
		return nil
	}
	v := *r.UpstreamAheadBytes + *r.ReplayLagBytes
	return &v
}

// Facts is the part of one node's C002 data the topology needs.
type Facts struct {
	InRecovery  bool      `json:"in_recovery"`
	ClusterName string    `json:"cluster_name"`
	Standbys    []Sender  `json:"standbys"`
	Receiver    *Receiver `json:"receiver"`
}

// Node is one node of the report.
type Node struct {
	Name     string
	Host     string // host:port as given to pgcheckup
	SystemID string // "" when unknown
	Role     string // primary or standby, from the node's identification
	Facts    *Facts // nil: C002 has no data from this node
	Missing  string // why Facts is nil
}

// Match says how an edge was established, or why its upstream's view is missing.
type Match string

// Matches.
const (
	BySlot        Match = "slot"
	ByNodeName    Match = "application_name = node name"
	ByClusterName Match = "application_name = cluster_name"
	ByElimination Match = "only unmatched WAL sender"
	// The upstream (known by address) was checked but lists no unclaimed WAL sender.
	NotListed Match = "not listed by upstream"
	// The upstream has several unclaimed WAL senders and nothing tells which is this one.
	Ambiguous Match = "ambiguous"
	// The upstream is a node of the report that C002 has no data from.
	UpstreamNotChecked Match = "upstream not checked"
	// The standby's upstream is not a node of the report.
	UpstreamOutside Match = "upstream outside the report"
	// A WAL sender of a node of the report matched to no node of the report: its
	// receiver is outside the report (pg_receivewal, a standby not checked, a base
	// backup), or is one of the standbys whose match is ambiguous.
	UnmatchedSender Match = "WAL sender matched to no node"
)

// Edge is one streaming link, upstream to downstream.
type Edge struct {
	Upstream     string // node name; "" when the upstream is not a node of the report
	UpstreamAddr string // host:port the standby's receiver is connected to; "" when unknown
	Downstream   string // node name; "" when the receiver is not a node of the report
	Application  string // the application_name the upstream lists; "" when unmatched
	Sender       *Sender
	Receiver     *Receiver
	Match        Match
}

// Matched reports whether the edge has both ends' views.
func (e Edge) Matched() bool { return e.Sender != nil && e.Receiver != nil }

// Graph is the topology.
type Graph struct {
	Nodes []Node
	Edges []Edge // standbys of the report in node order, then outside receivers
}

type rowRef struct{ node, row int }

// Derive builds the topology of nodes (see the package comment for the rules).
func Derive(nodes []Node) Graph {
	g := Graph{Nodes: nodes}
	var standbys []int
	upAddr := map[int]int{}
	for i, n := range nodes {
		if n.Facts == nil || n.Facts.Receiver == nil || n.Facts.Receiver.SenderHost == nil {
			continue
		}
		standbys = append(standbys, i)
		upAddr[i] = byAddress(nodes, i)
	}
	claimed := map[rowRef]bool{}
	match := map[int]rowRef{}
	how := map[int]Match{}
	rules := []struct {
		m  Match
		ok func(s Node, row Sender) bool
	}{
		{BySlot, func(s Node, row Sender) bool {
			r := s.Facts.Receiver
			return r.Slot != nil && row.Slot != nil && *r.Slot != "" && *r.Slot == *row.Slot
		}},
		{ByNodeName, func(s Node, row Sender) bool { return row.Application != "" && row.Application == s.Name }},
		{ByClusterName, func(s Node, row Sender) bool {
			return s.Facts.ClusterName != "" && row.Application == s.Facts.ClusterName
		}},
	}
	for _, rule := range rules {
		wants := map[int][]rowRef{}
		wanted := map[rowRef]int{}
		for _, si := range standbys {
			if _, done := match[si]; done {
				continue
			}
			for _, ref := range searchRows(nodes, si, upAddr[si]) {
				if !claimed[ref] && rule.ok(nodes[si], nodes[ref.node].Facts.Standbys[ref.row]) {
					wants[si] = append(wants[si], ref)
					wanted[ref]++
				}
			}
		}
		for _, si := range standbys {
			if w := wants[si]; len(w) == 1 && wanted[w[0]] == 1 {
				match[si], how[si], claimed[w[0]] = w[0], rule.m, true
			}
		}
	}
	// Elimination, per upstream known by address.
	pending := map[int][]int{}
	for _, si := range standbys {
		if _, done := match[si]; !done && upAddr[si] >= 0 && nodes[upAddr[si]].Facts != nil {
			pending[upAddr[si]] = append(pending[upAddr[si]], si)
		}
	}
	free := func(u int) []rowRef {
		var out []rowRef
		for j, row := range nodes[u].Facts.Standbys {
			if ref := (rowRef{u, j}); !claimed[ref] && row.State != "backup" {
				out = append(out, ref)
			}
		}
		return out
	}
	for u, ss := range pending {
		if f := free(u); len(ss) == 1 && len(f) == 1 {
			match[ss[0]], how[ss[0]], claimed[f[0]] = f[0], ByElimination, true
		}
	}
	for _, si := range standbys {
		r := nodes[si].Facts.Receiver
		e := Edge{Downstream: nodes[si].Name, Receiver: r, UpstreamAddr: addr(r)}
		if ref, ok := match[si]; ok {
			row := nodes[ref.node].Facts.Standbys[ref.row]
			e.Upstream, e.Application, e.Sender, e.Match = nodes[ref.node].Name, row.Application, &row, how[si]
		} else if u := upAddr[si]; u >= 0 {
			e.Upstream = nodes[u].Name
			switch {
			case nodes[u].Facts == nil:
				e.Match = UpstreamNotChecked
			case len(free(u)) > 1:
				e.Match = Ambiguous
			default:
				e.Match = NotListed
			}
		} else {
			e.Match = UpstreamOutside
		}
		g.Edges = append(g.Edges, e)
	}
	for i, n := range nodes {
		if n.Facts == nil {
			continue
		}
		for j, row := range n.Facts.Standbys {
			if !claimed[rowRef{i, j}] {
				row := row
				g.Edges = append(g.Edges, Edge{Upstream: n.Name, Application: row.Application, Sender: &row, Match: UnmatchedSender})
			}
		}
	}
	return g
}

// searchRows lists the WAL senders a standby may be: its upstream's when known by
// address, else those of every other node of the same system.
func searchRows(nodes []Node, si, up int) []rowRef {
	var out []rowRef
	for j, n := range nodes {
		if j == si || n.Facts == nil || (up >= 0 && j != up) || !sameSystem(nodes[si], n) {
			continue
		}
		for k := range n.Facts.Standbys {
			out = append(out, rowRef{j, k})
		}
	}
	return out
}

func sameSystem(a, b Node) bool {
	return a.SystemID == "" || b.SystemID == "" || a.SystemID == b.SystemID
}

// byAddress is the index of the node whose address is the standby's sender, or -1.
func byAddress(nodes []Node, si int) int {
	r := nodes[si].Facts.Receiver
	found := -1
	for j, n := range nodes {
		if j == si || !sameSystem(nodes[si], n) {
			continue
		}
		host, port := splitHost(n.Host)
		if strings.EqualFold(host, *r.SenderHost) && r.SenderPort != nil && port == *r.SenderPort {
			if found >= 0 {
				return -1 // two nodes at one address: not telling
			}
			found = j
		}
	}
	return found
}

// splitHost splits a node's address, "host:port" as pgcheckup writes it (an IPv6 host
// unbracketed, a socket as "socket /dir"); port 5432 when absent.
func splitHost(hp string) (string, int) {
	hp = strings.TrimPrefix(hp, "socket ")
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		if n, err := strconv.Atoi(hp[i+1:]); err == nil {
			return strings.Trim(hp[:i], "[]"), n
		}
	}
	return strings.Trim(hp, "[]"), 5432
}

func addr(r *Receiver) string {
	if r.SenderHost == nil {
		return ""
	}
	if r.SenderPort == nil {
		return *r.SenderHost
	}
	return net.JoinHostPort(*r.SenderHost, strconv.Itoa(*r.SenderPort))
}

// Depth is each node's distance from the root of its chain (0 for a node streaming from
// no node of the report), for laying the graph out left to right.
func (g Graph) Depth() map[string]int {
	up := map[string]string{}
	for _, e := range g.Edges {
		if e.Downstream != "" && e.Upstream != "" {
			up[e.Downstream] = e.Upstream
		}
	}
	out := map[string]int{}
	for _, n := range g.Nodes {
		d, cur := 0, n.Name
		for seen := map[string]bool{cur: true}; ; d++ {
			next, ok := up[cur]
			if !ok || seen[next] {
				break
			}
			seen[next], cur = true, next
		}
		out[n.Name] = d
	}
	return out
}
