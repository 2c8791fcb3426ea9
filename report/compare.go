package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// This file compares one check's data across nodes, as a pure function of the report, so
// `pgcheckup render` shows the same comparison offline: data that is the same on several
// nodes is shown once, and where nodes differ, one table with a column per node lists
// what differs.

// compareSpec says how to compare a check's data across nodes: List is the field of the
// data that holds the rows, Key the fields that name a row, Values the fields compared
// (and shown) per node. A check without a spec is shown per group of nodes with the same
// data. A check whose data has no list (A002) has an empty List: its fields are compared.
type compareSpec struct {
	List     string
	KeyTitle string
	Key      []string
	Values   []string
	// Cell shows a row's values on one node; nil joins the Values.
	Cell func(row map[string]any) string
}

// compareSpecs are the checks whose data is compared row by row (see also specFor: any
// check whose data lists settings).
//
// Settings (A003) are compared by value, unit and pending restart: the source file of a
// setting names each node's own data directory, so it is left out of the comparison and
// named under the first node's rendering. Table sizes (L001) and extensions (A005) are
// compared exactly: a physical standby holds the same files, so a difference is real.
// Unused indexes (H002) are compared by scans and size; an index listed on one node but
// not another is "not listed" there (scanned, or beyond the listing). Databases (A004)
// are compared by size and their main counters: the counters are each node's own, so on
// a busy cluster every database differs and the table is the databases side by side.
// Only rows that differ are listed: values that always differ list every row, values
// that are the same on a quiet cluster or a physical standby (sizes) list none.
var compareSpecs = map[string]compareSpec{
	"A002": {},
	"A003": {List: "settings", KeyTitle: "Setting", Key: []string{"name"}, Values: []string{"value", "unit", "pending_restart"}, Cell: settingCell},
	"A004": {List: "databases", KeyTitle: "Database", Key: []string{"name"},
		Values: []string{"size_bytes", "size_source", "backends", "commits", "rollbacks", "cache_hit_pct", "deadlocks", "temp_files", "conflicts"}, Cell: databaseCell},
	"A005": {List: "extensions", KeyTitle: "Extension", Key: []string{"name"}, Values: []string{"installed_version", "default_version", "state", "schema"}, Cell: func(row map[string]any) string {
		s := checks.Code(str(row["installed_version"])) + " in " + checks.Code(str(row["schema"]))
		if st := str(row["state"]); st != "current" {
			s += " (" + checks.Esc(st) + ")"
		}
		return s
	}},
	"H002": {List: "indexes", KeyTitle: "Index without scans", Key: []string{"schema", "name"}, Values: []string{"idx_scan", "size_bytes"}, Cell: func(row map[string]any) string {
		return num(row["idx_scan"]) + " scans, " + checks.Bytes(int64(toFloat(row["size_bytes"])))
	}},
	"L001": {List: "tables", KeyTitle: "Table", Key: []string{"schema", "name"}, Values: []string{"total_bytes", "rows"}, Cell: func(row map[string]any) string {
		size := "unknown"
		if row["total_bytes"] != nil {
			size = checks.Bytes(int64(toFloat(row["total_bytes"])))
		}
		return size + ", " + num(row["rows"]) + " rows"
	}},
}

func databaseCell(row map[string]any) string {
	size := "size " + checks.Esc(str(dflt("unknown", row["size_source"])))
	if row["size_bytes"] != nil {
		size = checks.Bytes(int64(toFloat(row["size_bytes"])))
		if str(row["size_source"]) == "estimate" {
			size = "~" + size + " (estimate)"
		}
	}
	hit := "–"
	if row["cache_hit_pct"] != nil {
		hit = fmt.Sprintf("%.1f%%", toFloat(row["cache_hit_pct"]))
	}
	return fmt.Sprintf("%s; %s backends, %s commits, %s rollbacks, cache hit %s, %s deadlocks, %s temp files, %s conflicts",
		size, num(row["backends"]), num(row["commits"]), num(row["rollbacks"]), hit, num(row["deadlocks"]), num(row["temp_files"]), num(row["conflicts"]))
}

func settingCell(row map[string]any) string {
	v := str(row["value"])
	s := "*empty*"
	if v != "" {
		s = checks.Code(v)
	}
	if u := str(row["unit"]); u != "" {
		s += " " + checks.Esc(u)
	}
	if b, _ := row["pending_restart"].(bool); b {
		s += " **pending restart**"
	}
	return s
}

// nodeData is one node's data within a group (a database, or the cluster).
type nodeData struct {
	Node string
	Data json.RawMessage
}

// dataClass is a set of nodes whose data is byte-identical.
type dataClass struct {
	Nodes []string
	Data  json.RawMessage
}

// classify groups nodes by byte-identical data, in the order the nodes come.
func classify(in []nodeData) []dataClass {
	var out []dataClass
next:
	for _, nd := range in {
		for i := range out {
			if bytes.Equal(out[i].Data, nd.Data) {
				out[i].Nodes = append(out[i].Nodes, nd.Node)
				continue next
			}
		}
		out = append(out, dataClass{Nodes: []string{nd.Node}, Data: nd.Data})
	}
	return out
}

// comparison is what differs between the nodes of a group, ready to print.
type comparison struct {
	Nodes []string // one column per node
	// Rows are the rows of the spec's list that differ.
	KeyTitle string
	Rows     []compareRow
	// Fields are the other fields (dotted paths) whose values differ.
	Fields []compareRow
	// Hidden names the row fields that differ between nodes but are not compared
	// (a setting's source file): the first node's rendering shows its own.
	Hidden []string
}

type compareRow struct {
	Key   string   // Markdown
	Cells []string // Markdown, one per node
}

// absent marks a row missing from a node's list.
const absent = "*not listed*"

// compareData compares the data of several nodes (one per node, in node order) by the
// spec. ok is false when the data does not have the spec's shape (not an object, a row
// without its key, two rows with the same key): the caller then shows each node's data.
func compareData(spec compareSpec, in []nodeData) (cmp comparison, ok bool) {
	objs := make([]map[string]any, len(in))
	for i, nd := range in {
		dec := json.NewDecoder(bytes.NewReader(nd.Data))
		dec.UseNumber()
		if err := dec.Decode(&objs[i]); err != nil || objs[i] == nil {
			return comparison{}, false
		}
		cmp.Nodes = append(cmp.Nodes, nd.Node)
	}
	cmp.KeyTitle = spec.KeyTitle
	if spec.List != "" {
		if !compareRows(spec, objs, &cmp) {
			return comparison{}, false
		}
	}
	// Every other field, flattened to dotted paths, in the order of the first node that
	// has it.
	var paths []string
	vals := make([]map[string]any, len(objs))
	for i, o := range objs {
		vals[i] = map[string]any{}
		flatten("", o, spec.List, vals[i], &paths)
	}
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		cells, differ, rows := make([]string, len(objs)), false, false
		first, _ := json.Marshal(vals[0][p])
		_, had := vals[0][p]
		for i := range objs {
			v, has := vals[i][p]
			cells[i] = fieldCell(v, has)
			if b, _ := json.Marshal(v); has != had || !bytes.Equal(b, first) {
				differ = true
			}
			rows = rows || hasObjects(v)
		}
		if differ && rows {
			return comparison{}, false // another list of rows differs: no table shows it well
		}
		if differ {
			cmp.Fields = append(cmp.Fields, compareRow{Key: checks.Code(p), Cells: cells})
		}
	}
	return cmp, true
}

// hasObjects reports whether v is a list holding objects or lists (rows, not a value).
func hasObjects(v any) bool {
	list, ok := v.([]any)
	if !ok {
		return false
	}
	for _, x := range list {
		switch x.(type) {
		case map[string]any, []any:
			return true
		}
	}
	return false
}

// specFor returns the comparison of check id: its own, or for a check without one whose
// data holds a list of settings (the shape checks.Setting gives them), the settings
// compared by name as A003's are, its other fields one by one.
func specFor(id string, data json.RawMessage) (compareSpec, bool) {
	if spec, ok := compareSpecs[id]; ok {
		return spec, true
	}
	var probe struct {
		Settings []struct {
			Name *string `json:"name"`
		} `json:"settings"`
	}
	if json.Unmarshal(data, &probe) != nil || len(probe.Settings) == 0 || probe.Settings[0].Name == nil {
		return compareSpec{}, false
	}
	return compareSpecs["A003"], true
}

// compareRows fills cmp.Rows from the spec's list and cmp.Hidden with the fields of rows
// present on several nodes that differ without being compared.
func compareRows(spec compareSpec, objs []map[string]any, cmp *comparison) bool {
	type node struct {
		rows map[string]map[string]any
	}
	nodes := make([]node, len(objs))
	var order []string
	index := map[string]string{} // key -> its Markdown
	for i, o := range objs {
		raw, has := o[spec.List]
		if !has || raw == nil {
			raw = []any{}
		}
		list, isList := raw.([]any)
		if !isList {
			return false
		}
		nodes[i].rows = map[string]map[string]any{}
		for _, x := range list {
			row, isObj := x.(map[string]any)
			if !isObj {
				return false
			}
			k, md, good := rowKey(spec.Key, row)
			if !good {
				return false
			}
			if _, dup := nodes[i].rows[k]; dup {
				return false
			}
			nodes[i].rows[k] = row
			if _, known := index[k]; !known {
				index[k] = md
				order = append(order, k)
			}
		}
	}
	hidden := map[string]bool{}
	for _, k := range order {
		cells, differ := make([]string, len(objs)), false
		var first []byte
		for i := range nodes {
			row, has := nodes[i].rows[k]
			if !has {
				cells[i] = absent
				differ = true
				continue
			}
			vals := map[string]any{}
			for _, f := range spec.Values {
				vals[f] = row[f]
			}
			b, _ := json.Marshal(vals)
			if first == nil {
				first = b
			} else if !bytes.Equal(b, first) {
				differ = true
			}
			if spec.Cell != nil {
				cells[i] = spec.Cell(row)
			} else {
				cells[i] = joinCell(spec.Values, row)
			}
		}
		if differ {
			cmp.Rows = append(cmp.Rows, compareRow{Key: index[k], Cells: cells})
		}
		// Fields not compared that differ between the nodes that have the row.
		var ref map[string]any
		for i := range nodes {
			row, has := nodes[i].rows[k]
			if !has {
				continue
			}
			if ref == nil {
				ref = row
				continue
			}
			for f := range union(ref, row) {
				if slices.Contains(spec.Values, f) || slices.Contains(spec.Key, f) {
					continue
				}
				a, _ := json.Marshal(ref[f])
				b, _ := json.Marshal(row[f])
				if !bytes.Equal(a, b) {
					hidden[f] = true
				}
			}
		}
	}
	for f := range hidden {
		cmp.Hidden = append(cmp.Hidden, f)
	}
	sort.Strings(cmp.Hidden)
	return true
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// rowKey is a row's identity (its key fields as JSON) and how it prints.
func rowKey(fields []string, row map[string]any) (string, string, bool) {
	parts := make([]string, len(fields))
	for i, f := range fields {
		v, has := row[f]
		if !has {
			return "", "", false
		}
		parts[i] = str(v)
	}
	id, _ := json.Marshal(parts)
	return string(id), checks.Code(strings.Join(parts, ".")), true
}

func joinCell(fields []string, row map[string]any) string {
	var parts []string
	for _, f := range fields {
		if v := row[f]; v != nil && str(v) != "" {
			parts = append(parts, checks.Esc(f)+" "+fieldCell(v, true))
		}
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// flatten collects the scalar fields of o under dotted paths (objects nested, lists as
// one value), leaving out the field skip of the top level.
func flatten(prefix string, o map[string]any, skip string, out map[string]any, order *[]string) {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys) // Go maps have no order; the JSON's order is lost in decoding
	for _, k := range keys {
		if prefix == "" && skip != "" && k == skip {
			continue
		}
		p := prefix + k
		if sub, isObj := o[k].(map[string]any); isObj && len(sub) > 0 {
			flatten(p+".", sub, "", out, order)
			continue
		}
		out[p] = o[k]
		*order = append(*order, p)
	}
}

// fieldCell shows one value of a field: text as code, numbers with separators, lists and
// objects as compact JSON.
func fieldCell(v any, has bool) string {
	if !has {
		return "*absent*"
	}
	switch x := v.(type) {
	case nil:
		return "–"
	case bool:
		return yesno(x)
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return checks.Esc(x.String()) // as given: rounding could hide the difference
		}
		return num(x)
	case string:
		if x == "" {
			return "*empty*"
		}
		return checks.Code(x)
	default:
		b, _ := json.Marshal(x)
		return checks.Code(string(b))
	}
}

// writeComparison prints cmp as Markdown tables, one column per node.
func writeComparison(b *bytes.Buffer, cmp comparison) {
	header := func(first string) {
		b.WriteString("| " + first)
		for _, n := range cmp.Nodes {
			b.WriteString(" | " + checks.Esc(n))
		}
		b.WriteString(" |\n|---")
		for range cmp.Nodes {
			b.WriteString("|---")
		}
		b.WriteString("|\n")
	}
	rows := func(rs []compareRow) {
		for _, r := range rs {
			b.WriteString("| " + r.Key)
			for _, c := range r.Cells {
				b.WriteString(" | " + c)
			}
			b.WriteString(" |\n")
		}
		b.WriteString("\n")
	}
	if len(cmp.Rows) > 0 {
		title := cmp.KeyTitle
		if title == "" {
			title = "Row"
		}
		header(checks.Esc(title))
		rows(cmp.Rows)
	}
	if len(cmp.Fields) > 0 {
		header("Field")
		rows(cmp.Fields)
	}
	if len(cmp.Rows) == 0 && len(cmp.Fields) == 0 {
		b.WriteString("The compared values are the same on every node.\n\n")
	}
}

// hiddenNote words the fields that differ without being compared.
func hiddenNote(hidden []string) string {
	parts := make([]string, len(hidden))
	for i, h := range hidden {
		parts[i] = checks.Code(h)
	}
	return fmt.Sprintf("and in %s, not compared", strings.Join(parts, ", "))
}
