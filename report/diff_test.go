package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

var t0 = time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)

func finding(code string, sev checks.Severity, db string, nodes []string, objs ...checks.Name) checks.Finding {
	return checks.Finding{Code: code, Severity: sev, Database: db, Nodes: nodes, Objects: objs,
		Conclusion: "text with a figure that changes: " + time.Now().String()}
}

func diffReport(start time.Time, nodes []Node, cs ...Check) *Report {
	return &Report{SchemaVersion: SchemaVersion, StartedAt: start, Nodes: nodes, Checks: cs}
}

// One finding fixed, one new, one worse, the rest the same: reordered checks, other texts,
// other counts and a standby added are no change.
func TestDiffFindings(t *testing.T) {
	dup := finding("H004/duplicate-index", checks.P2, "shop", []string{"primary"}, "public.a_dup", "public.a")
	fk := finding("H003/fk-without-index", checks.P3, "shop", []string{"primary"}, "public.orders", "orders_fk", "public.customers")
	dead := finding("F003/dead-tuples", checks.P3, "shop", []string{"primary"}, "public.t")
	more := finding("H003/fk-without-index", checks.P3, "shop", []string{"primary"})
	more.Count = 10
	old := diffReport(t0, []Node{{Name: "primary", Role: "primary"}},
		Check{ID: "H004", Findings: []checks.Finding{dup}},
		Check{ID: "F003", Findings: []checks.Finding{dead}},
		Check{ID: "H003", Findings: []checks.Finding{more}})

	dead2 := dead
	dead2.Severity = checks.P2
	more2 := more
	more2.Count = 12
	more2.Conclusion = "12 more"
	// The new report: two nodes, every finding on both (merged or not), checks reordered.
	both := []string{"primary", "standby1"}
	fk.Nodes, dead2.Nodes, more2.Nodes = both, both, nil
	more2.Node = "primary"
	moreStandby := more2
	moreStandby.Node = "standby1"
	new := diffReport(t0.Add(36*time.Hour), []Node{{Name: "primary", Role: "primary"}, {Name: "standby1", Role: "standby"}},
		Check{ID: "H003", Findings: []checks.Finding{fk, more2, moreStandby}},
		Check{ID: "F003", Findings: []checks.Finding{dead2}},
		Check{ID: "H004"})

	c := Diff(old, new)
	if got := keys(c.New); got != "H003/fk-without-index P3 [public.orders orders_fk public.customers]" {
		t.Errorf("new: %s", got)
	}
	if got := keys(c.Resolved); got != "H004/duplicate-index P2 [public.a_dup public.a]" {
		t.Errorf("resolved: %s", got)
	}
	if got := keys(c.Severity); got != "F003/dead-tuples P2 [public.t]" || *c.Severity[0].Was != checks.P3 {
		t.Errorf("severity changed: %s", got)
	}
	if c.Unchanged != 1 || c.Days != 1.5 {
		t.Errorf("unchanged %d, days %v; want 1 and 1.5", c.Unchanged, c.Days)
	}
	if n := c.NewAtLeast(checks.P3); n != 1 { // the new P3; the one that became P2 was at P3 before
		t.Errorf("NewAtLeast(P3) = %d, want 1", n)
	}
	if n := c.NewAtLeast(checks.P2); n != 1 {
		t.Errorf("NewAtLeast(P2) = %d, want 1 (the finding that rose to P2)", n)
	}
	if n := c.NewAtLeast(checks.P1); n != 0 {
		t.Errorf("NewAtLeast(P1) = %d, want 0", n)
	}
	if again := Diff(new, new); !again.Empty() || again.Unchanged != 3 {
		t.Errorf("a report against itself: %+v", again)
	}
}

// A finding on one node of two is not the same finding as on all nodes.
func TestDiffNodesAreIdentity(t *testing.T) {
	nodes := []Node{{Name: "primary"}, {Name: "standby1"}}
	f := finding("A004/deadlocks", checks.P3, "", []string{"primary", "standby1"}, "shop")
	g := finding("A004/deadlocks", checks.P3, "", []string{"standby1"}, "shop")
	c := Diff(diffReport(t0, nodes, Check{ID: "A004", Findings: []checks.Finding{f}}),
		diffReport(t0, nodes, Check{ID: "A004", Findings: []checks.Finding{g}}))
	if len(c.New) != 1 || len(c.Resolved) != 1 || strings.Join(c.New[0].Nodes, ",") != "standby1" || c.Resolved[0].Nodes != nil {
		t.Errorf("new %+v, resolved %+v", c.New, c.Resolved)
	}
}

// A standby unreachable in one run does not turn the findings on every node into the
// primary's own.
func TestDiffUnreachableNode(t *testing.T) {
	f := finding("A004/deadlocks", checks.P3, "", []string{"primary", "standby1"}, "shop")
	g := finding("A004/deadlocks", checks.P3, "", []string{"primary"}, "shop")
	c := Diff(diffReport(t0, []Node{{Name: "primary"}, {Name: "standby1"}}, Check{ID: "A004", Findings: []checks.Finding{f}}),
		diffReport(t0, []Node{{Name: "primary"}, {Name: "standby1", Error: "connection refused"}}, Check{ID: "A004", Findings: []checks.Finding{g}}))
	if !c.Empty() || c.Unchanged != 1 {
		t.Errorf("new %+v, resolved %+v", c.New, c.Resolved)
	}
}

// Names cannot run together into another identity.
func TestDiffIdentityQuotes(t *testing.T) {
	nodes := []Node{{Name: "p"}}
	a := finding("H004/x", checks.P3, "", nil, "a b", "c")
	b := finding("H004/x", checks.P3, "", nil, "a", "b c")
	c := Diff(diffReport(t0, nodes, Check{ID: "H004", Findings: []checks.Finding{a}}),
		diffReport(t0, nodes, Check{ID: "H004", Findings: []checks.Finding{b}}))
	if len(c.New) != 1 || len(c.Resolved) != 1 {
		t.Errorf("new %d, resolved %d; want 1 and 1", len(c.New), len(c.Resolved))
	}
}

func keys(l []FindingChange) string {
	var s []string
	for _, f := range l {
		objs := make([]string, len(f.Objects))
		for i, o := range f.Objects {
			objs[i] = string(o)
		}
		s = append(s, f.Code+" "+f.Severity.String()+" ["+strings.Join(objs, " ")+"]")
	}
	return strings.Join(s, "; ")
}

func data(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Sizes, bloat, dead tuples, ages and sequences are compared for objects listed in both,
// from the primary, largest change first, with rates per day.
func TestDiffMetrics(t *testing.T) {
	nodes := []Node{{Name: "s", Role: "standby", InRecovery: true}, {Name: "p", Role: "primary"}}
	at := func(start time.Time, big, small int64, dead float64, used float64, xid int64) *Report {
		return diffReport(start, nodes,
			Check{ID: "L001", Results: []Result{
				{Node: "s", Database: "shop", Data: data(t, map[string]any{"tables": []map[string]any{
					{"schema": "public", "name": "big", "total_bytes": 1}}})},
				{Node: "p", Database: "shop", Data: data(t, map[string]any{"tables": []map[string]any{
					{"schema": "public", "name": "big", "total_bytes": big},
					{"schema": "public", "name": "small", "total_bytes": small},
					{"schema": "public", "name": "only" + start.Format("15"), "total_bytes": 5}}})}}},
			Check{ID: "F003", Results: []Result{{Node: "p", Database: "shop", Data: data(t, map[string]any{
				"tables": []map[string]any{{"schema": "public", "name": "big", "dead_tuples": dead}}})}}},
			Check{ID: "L003", Results: []Result{{Node: "p", Database: "shop", Data: data(t, map[string]any{
				"columns": []map[string]any{{"schema": "public", "table": "big", "column": "id", "used_pct": used}}})}}},
			Check{ID: "F002", Results: []Result{{Node: "p", Database: "shop", Data: data(t, map[string]any{
				"databases": []map[string]any{{"name": "shop", "xid_age": xid, "mxid_age": 7}}})}}},
			Check{ID: "A004", Results: []Result{{Node: "p", Data: data(t, map[string]any{
				"databases": []map[string]any{{"name": "shop", "size_bytes": big + small}}})}}},
		)
	}
	old := at(t0, 1000, 100, 50, 40, 1_000_000)
	new := at(t0.Add(48*time.Hour), 3000, 90, 250, 50, 3_000_000)
	c := Diff(old, new)
	var got []string
	for _, m := range c.Metrics {
		got = append(got, m.Metric+" "+m.Database+" "+string(m.Object))
	}
	want := "database size  shop|table size shop public.big|table size shop public.small|dead tuples shop public.big|" +
		"xid age  shop|sequence used shop public.big.id"
	if strings.Join(got, "|") != want {
		t.Fatalf("metrics:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	big := c.Metrics[1]
	if big.Old != 1000 || big.New != 3000 || big.Delta != 2000 || big.PerDay == nil || *big.PerDay != 1000 {
		t.Errorf("table size of big: %+v", big)
	}
	seq := c.Metrics[5]
	if seq.DaysLeft == nil || *seq.DaysLeft != 10 { // 50% left at 5% a day
		t.Errorf("sequence: %+v", seq)
	}
	// Runs minutes apart have no rates.
	if m := Diff(old, at(t0.Add(time.Minute), 3000, 90, 250, 50, 3_000_000)).Metrics[0]; m.PerDay != nil {
		t.Errorf("a rate from runs a minute apart: %+v", m)
	}
}

// The section is at the top of the Markdown (and so of the HTML), names are escaped,
// and a report with changes is written and read back with them.
func TestChangesSection(t *testing.T) {
	nodes := []Node{{Name: "p", Role: "primary"}}
	bad := finding("H004/duplicate-index", checks.P2, "db|x", nil, "<script>alert(1)</script>", "a`b")
	old := diffReport(t0, nodes, Check{ID: "H004", Findings: []checks.Finding{bad}})
	new := diffReport(t0.Add(3*time.Hour), nodes, Check{ID: "H004"})
	new.Changes = Diff(old, new)
	md := render(t, new)
	i, j := strings.Index(md, "## Changes since 2026-11-01 03:00:00 UTC"), strings.Index(md, "## Nodes")
	if i < 0 || j < i {
		t.Fatalf("no Changes section before the nodes:\n%s", md)
	}
	if !strings.Contains(md, "(3.0 hours earlier): 0 new, 1 resolved, 0 changed in severity, 0 unchanged.") ||
		!strings.Contains(md, "- **P2** `H004/duplicate-index` in `db\\|x`: `<script>alert(1)</script>`, `` a`b ``") {
		t.Errorf("section:\n%s", md[i:j])
	}
	rd, _ := NewRenderer()
	page, err := rd.HTML(new)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`<h2 id="changes-since-2026-11-01-030000-utc">Changes since`)) || bytes.Contains(page, []byte("<script>alert")) ||
		!bytes.Contains(page, []byte(`<a href="#changes-since-2026-11-01-030000-utc">Changes</a>`)) {
		t.Errorf("html section missing or unescaped")
	}

	dir := t.TempDir()
	if err := WriteJSON(dir, new); err != nil {
		t.Fatal(err)
	}
	back, err := Read(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if back.Changes == nil || len(back.Changes.Resolved) != 1 || back.Changes.Resolved[0].Objects[1] != "a`b" {
		t.Errorf("changes read back: %+v", back.Changes)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if !bytes.Contains(raw, []byte(`"changes"`)) {
		t.Errorf("report.json has no changes")
	}
}

// Findings of a check that did not run in one report (another --checks, an error, skipped
// everywhere) are neither resolved nor new: the check is named as not compared.
func TestDiffChecksNotRun(t *testing.T) {
	nodes := []Node{{Name: "p"}, {Name: "s"}}
	f := finding("H002/unused-index", checks.P3, "shop", nil, "public.i")
	g := finding("H004/duplicate-index", checks.P3, "shop", nil, "public.a_dup", "public.a")
	h := finding("F003/dead-tuples", checks.P3, "shop", nil, "public.t")
	k := finding("A002/old-minor", checks.P3, "", nil)
	res := func(st ...checks.Status) []Result {
		var out []Result
		for i, s := range st {
			out = append(out, Result{Node: nodes[i].Name, Status: s})
		}
		return out
	}
	old := diffReport(t0, nodes,
		Check{ID: "H002", Results: res(checks.StatusFindings, checks.StatusOK), Findings: []checks.Finding{f}},
		Check{ID: "H004", Results: res(checks.StatusFindings, checks.StatusOK), Findings: []checks.Finding{g}},
		Check{ID: "F003", Results: res(checks.StatusFindings, checks.StatusSkipped), Findings: []checks.Finding{h}},
		Check{ID: "A002", Results: res(checks.StatusFindings, checks.StatusFindings), Findings: []checks.Finding{k}})
	new := diffReport(t0, nodes,
		Check{ID: "H004", Results: res(checks.StatusError, checks.StatusOK)},
		Check{ID: "F003", Results: res(checks.StatusOK, checks.StatusSkipped)},
		Check{ID: "A002", Results: res(checks.StatusSkipped, checks.StatusSkipped)})
	c := Diff(old, new)
	if got := keys(c.Resolved); got != "F003/dead-tuples P3 [public.t]" || len(c.New) != 0 ||
		strings.Join(c.NotCompared, ",") != "A002,H002,H004" {
		t.Errorf("resolved %q, new %d, not compared %v", got, len(c.New), c.NotCompared)
	}
	if md := render(t, &Report{Changes: c}); !strings.Contains(md, "Not compared (not run in one of the reports, ended in error or skipped): A002, H002, H004.") {
		t.Errorf("markdown:\n%s", md)
	}
}
