package a006

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Column is one node of the comparison.
type Column struct {
	Node checks.Label `json:"node"`
	Role checks.Label `json:"role,omitempty"`
	// Compared is false for a node whose settings could not be read; Reason says why.
	Compared bool        `json:"compared"`
	Reason   checks.Text `json:"reason,omitempty"`
}

// Cell is one node's value of a setting. Value is normalized for display ("8MB", "5min").
type Cell struct {
	checks.Setting
	Source         checks.Text `json:"source,omitempty"`
	PendingRestart bool        `json:"pending_restart,omitempty"`
	Missing        bool        `json:"missing,omitempty"`  // the node has no such setting
	Differs        bool        `json:"differs,omitempty"`  // not the reference node's value
	NotRead        bool        `json:"not_read,omitempty"` // the node was not compared
	// BelowPrimary: a standby whose value is lower than the primary's, for a setting a
	// hot standby needs at least as high (mustNotBeLower).
	BelowPrimary bool `json:"below_primary,omitempty"`
}

// Row is one setting that differs between the nodes: Value is the reference node's
// value, Cells one per column.
type Row struct {
	checks.Setting
	Severity checks.Severity `json:"severity"`
	Code     checks.Label    `json:"code"`
	Context  checks.Text     `json:"context"` // pg_settings.context: postmaster needs a restart
	Cells    []Cell          `json:"cells"`
}

// Comparison is the table of settings that differ: one column per node, one row per
// setting. The reference is the primary (the first node if none was reached).
type Comparison struct {
	Reference checks.Label `json:"reference"`
	Nodes     []Column     `json:"nodes"`
	Rows      []Row        `json:"rows"`
	// Compared counts the settings compared; SkippedMissing those left out because the
	// nodes run different majors and some node does not have them.
	Compared       int  `json:"compared"`
	SkippedMissing int  `json:"skipped_missing,omitempty"`
	MajorsDiffer   bool `json:"majors_differ,omitempty"`
}

// Compare implements checks.Comparer: one finding per setting that differs between the
// nodes that were reached, and one (info) naming the nodes that were not.
func (c *Check) Compare(outs []checks.NodeOutcome) []checks.Finding {
	cmp := Diff(outs)
	return findings(cmp)
}

// CompareData returns the comparison table itself, for a report that shows it once
// with a column per node (the template "A006.compared" in templates/A006.md.tmpl
// renders it).
func (c *Check) CompareData(outs []checks.NodeOutcome) any { return Diff(outs) }

type node struct {
	col     int
	primary bool
	major   int
	set     map[string]Setting
}

// Diff compares the settings of every node that was reached. It is pure.
func Diff(outs []checks.NodeOutcome) Comparison {
	cmp := Comparison{Nodes: make([]Column, len(outs)), Rows: []Row{}}
	var reached []node
	names := map[string]bool{}
	for i, o := range outs {
		col := Column{Node: checks.Label(o.Node.Name), Role: checks.Label(o.Node.Role)}
		d, ok := dataOf(o.Outcome)
		switch {
		case o.Unreachable != "":
			col.Reason = checks.Text(o.Unreachable)
		case !ok:
			col.Reason = checks.Text(fmt.Sprintf("A006 did not read its settings (status %s)", o.Status))
		default:
			col.Compared = true
			n := node{col: i, primary: o.Node.Role == "primary" || (o.Node.Role == "" && !o.Node.InRecovery),
				major: o.Node.VersionNum / 10000, set: map[string]Setting{}}
			for _, s := range d.Settings {
				n.set[string(s.Name)] = s
				names[string(s.Name)] = true
			}
			reached = append(reached, n)
		}
		cmp.Nodes[i] = col
	}
	if len(reached) < 2 {
		return cmp
	}
	ref := reached[0]
	for _, n := range reached {
		if n.primary {
			ref = n
			break
		}
	}
	cmp.Reference = cmp.Nodes[ref.col].Node
	for _, n := range reached {
		if n.major != 0 && ref.major != 0 && n.major != ref.major {
			cmp.MajorsDiffer = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	for _, name := range sorted {
		if ignored(name) || setByClient(name, reached) {
			continue
		}
		missing := false
		for _, n := range reached {
			if _, ok := n.set[name]; !ok {
				missing = true
			}
		}
		// A server setting that one major has and another lacks is a version
		// difference, which A002 reports. A custom setting (with a dot) is only
		// where it was set, so its absence is compared.
		if missing && cmp.MajorsDiffer && !strings.Contains(name, ".") {
			cmp.SkippedMissing++
			continue
		}
		cmp.Compared++
		if row, ok := compareOne(name, ref, reached, outs, len(outs)); ok {
			cmp.Rows = append(cmp.Rows, row)
		}
	}
	return cmp
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

// setByClient reports whether some node shows pgcheckup's own session value (source
// client: statement_timeout, lock_timeout, application_name, search_path, ...), which
// hides the server's.
func setByClient(name string, reached []node) bool {
	for _, n := range reached {
		if s, ok := n.set[name]; ok && s.Source == "client" {
			return true
		}
	}
	return false
}

// compareOne builds the row of setting name, or false when every node has the same
// value and the same restart state.
func compareOne(name string, ref node, reached []node, outs []checks.NodeOutcome, ncols int) (Row, bool) {
	refSet, refHas := ref.set[name]
	refVal := normalize(refSet)
	cells := make([]Cell, ncols)
	for i := range cells {
		cells[i] = Cell{Setting: checks.Setting{Name: checks.Name(name)}, NotRead: true}
	}
	differs, pendingSome, pendingAll := false, false, true
	for _, n := range reached {
		s, has := n.set[name]
		cell := Cell{Setting: checks.Setting{Name: checks.Name(name)}}
		if !has {
			cell.Missing = true
			cell.Differs = refHas
			pendingAll = false
		} else {
			v := normalize(s)
			cell.Value, cell.Source, cell.PendingRestart = checks.Text(v.display), s.Source, s.PendingRestart
			cell.Differs = !refHas || v.key != refVal.key
			pendingSome = pendingSome || s.PendingRestart
			pendingAll = pendingAll && s.PendingRestart
		}
		differs = differs || cell.Differs
		cells[n.col] = cell
	}
	restartDiffers := pendingSome && !pendingAll
	if !differs && !restartDiffers {
		return Row{}, false
	}
	row := Row{Setting: checks.Setting{Name: checks.Name(name)}, Cells: cells, Code: "A006/setting-differs",
		Severity: class(name, string(refSet.Unit))}
	if refHas {
		row.Value, row.Context = checks.Text(refVal.display), refSet.Context
	}
	for _, n := range reached {
		if s, ok := n.set[name]; ok && row.Context == "" {
			row.Context = s.Context
		}
	}
	if !differs {
		row.Code = "A006/pending-restart"
		row.Severity = min(row.Severity, checks.P2)
	}
	if differs && mustNotBeLower[name] && ref.primary && refHas && refVal.numeric {
		for _, n := range reached {
			if s, ok := n.set[name]; ok && n.col != ref.col && !n.primary && outs[n.col].Node.InRecovery {
				if v := normalize(s); v.numeric && v.num < refVal.num {
					row.Severity = checks.P1
					row.Cells[n.col].BelowPrimary = true
				}
			}
		}
	}
	return row, true
}
