package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// A node that could not be reached has no role, version, database or user: its row says
// so in words rather than with empty cells, and the summary counts it, because none of
// the check counts can (no check ran there).

// nodeLabel is the node's name, with its host after it when the name is an alias.
func nodeLabel(n Node) string {
	if n.Host == "" || n.Host == n.Name {
		return checks.Esc(n.Name)
	}
	return checks.Esc(n.Name) + " (" + checks.Esc(n.Host) + ")"
}

// textOrDash is escaped text, or a dash for a value the run never learned.
func textOrDash(s string) string {
	if s == "" {
		return "–"
	}
	return checks.Esc(s)
}

// unchecked reports whether no check ran on n, and in which word.
func unchecked(n Node) (string, bool) {
	switch {
	case n.Error == NodeInterrupted:
		return "not checked (interrupted)", true
	case n.Error != "":
		return "unreachable", true
	}
	return "", false
}

// writeUnchecked adds the sentence under the summary that counts the nodes no check ran
// on, by reason, naming them.
func writeUnchecked(b *bytes.Buffer, r *Report) {
	names := map[string][]string{}
	var order []string
	for _, n := range r.Nodes {
		why, ok := unchecked(n)
		if !ok {
			continue
		}
		if names[why] == nil {
			order = append(order, why)
		}
		names[why] = append(names[why], checks.Esc(n.Name))
	}
	for _, why := range order {
		fmt.Fprintf(b, "**%d of %d nodes %s** (%s): no check ran there, so the counts above leave them out; "+
			"the Nodes table says why.\n\n", len(names[why]), len(r.Nodes), why, strings.Join(names[why], ", "))
	}
}
