package report

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

func render(t *testing.T, r *Report) string {
	t.Helper()
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	md, err := rd.Markdown(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(md)
}

func twoNodes() []Node { return []Node{{Name: "primary"}, {Name: "standby1"}} }

func setting(name, value string) map[string]any {
	return map[string]any{"name": name, "value": value, "category": "Memory", "source": "configuration file",
		"pending_restart": false, "vartype": "string", "context": "user"}
}

func a003(t *testing.T, settings ...map[string]any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(map[string]any{"settings": settings, "sources_hidden": false, "pending_restart": 0})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Data that is the same on both nodes is shown once, for all nodes.
func TestIdenticalDataRendersOnce(t *testing.T) {
	data := a003(t, setting("work_mem", "4096"), setting("shared_buffers", "16384"))
	r := &Report{Nodes: twoNodes(), Checks: []Check{{ID: "A003", Title: "Postgres settings", Results: []Result{
		{Node: "primary", Status: checks.StatusOK, Data: data},
		{Node: "standby1", Status: checks.StatusOK, Data: data},
	}}}}
	md := render(t, r)
	if n := strings.Count(md, "| `work_mem` |"); n != 1 {
		t.Errorf("work_mem printed %d times, want once:\n%s", n, md)
	}
	if !strings.Contains(md, "#### All nodes\n") || strings.Contains(md, "Differences") {
		t.Errorf("want one rendering labelled all nodes:\n%s", md)
	}
}

// Settings that differ in one value give one comparison table with just that row and
// both values, then the first node's full rendering.
func TestSettingDifferenceIsOneRow(t *testing.T) {
	primary := a003(t, setting("work_mem", "4096"), setting("shared_buffers", "16384"))
	standbySB := setting("shared_buffers", "16384")
	standbySB["sourcefile"] = "/elsewhere/postgresql.conf" // not compared, but named
	standby := a003(t, setting("work_mem", "8192"), standbySB)
	r := &Report{Nodes: twoNodes(), Checks: []Check{{ID: "A003", Title: "Postgres settings", Results: []Result{
		{Node: "primary", Status: checks.StatusOK, Data: primary},
		{Node: "standby1", Status: checks.StatusOK, Data: standby},
	}}}}
	md := render(t, r)
	table := "#### Differences between nodes\n\n| Setting | primary | standby1 |\n|---|---|---|\n| `work_mem` | `4096` | `8192` |\n\n"
	if !strings.Contains(md, table) {
		t.Fatalf("want the comparison table\n%s\nin:\n%s", table, md)
	}
	if !strings.Contains(md, "#### primary (standby1 differs as the table above shows, and in `sourcefile`, not compared)") {
		t.Errorf("first node's rendering not labelled:\n%s", md)
	}
	// the full listing once (the primary's), the standby's 8192 only in the table
	if n := strings.Count(md, "| `shared_buffers` |"); n != 1 {
		t.Errorf("shared_buffers printed %d times, want once", n)
	}
	if strings.Count(md, "8192") != 1 {
		t.Errorf("the standby's value should be in the comparison table only:\n%s", md)
	}
}

// A setting only one node has, and a field outside the list that differs.
func TestCompareMissingRowAndField(t *testing.T) {
	spec := compareSpecs["A003"]
	p, _ := json.Marshal(map[string]any{"settings": []any{setting("a", "1")}, "pending_restart": 0})
	s, _ := json.Marshal(map[string]any{"settings": []any{setting("a", "1"), setting("b", "2")}, "pending_restart": 1})
	cmp, ok := compareData(spec, []nodeData{{"p", p}, {"s", s}})
	if !ok {
		t.Fatal("not compared")
	}
	if len(cmp.Rows) != 1 || cmp.Rows[0].Key != "`b`" || cmp.Rows[0].Cells[0] != absent || cmp.Rows[0].Cells[1] != "`2`" {
		t.Errorf("rows: %+v", cmp.Rows)
	}
	if len(cmp.Fields) != 1 || cmp.Fields[0].Key != "`pending_restart`" || strings.Join(cmp.Fields[0].Cells, ",") != "0,1" {
		t.Errorf("fields: %+v", cmp.Fields)
	}
	// a duplicate key cannot be compared: the caller falls back to per-node sections
	d, _ := json.Marshal(map[string]any{"settings": []any{setting("a", "1"), setting("a", "2")}})
	if _, ok := compareData(spec, []nodeData{{"p", p}, {"s", d}}); ok {
		t.Error("duplicate keys compared")
	}
}

// A check without a comparison shows each set of nodes with the same data once.
func TestNoSpecFallsBackToGroups(t *testing.T) {
	a, b := json.RawMessage(`{"x":1}`), json.RawMessage(`{"x":2}`)
	r := &Report{Nodes: []Node{{Name: "n1"}, {Name: "n2"}, {Name: "n3"}}, Checks: []Check{{ID: "Z001", Title: "T", Results: []Result{
		{Node: "n1", Status: checks.StatusOK, Data: a},
		{Node: "n2", Status: checks.StatusOK, Data: b},
		{Node: "n3", Status: checks.StatusOK, Data: a},
	}}}}
	md := render(t, r)
	if !strings.Contains(md, "#### n1, n3\n") || !strings.Contains(md, "#### n2\n") || strings.Count(md, `"x": 1`) != 1 {
		t.Errorf("want n1 and n3 together, n2 apart:\n%s", md)
	}
}

// Database-scoped results are grouped by database; findings say where they are; the
// summary counts per database; the nodes list their databases.
func TestDatabasesNamed(t *testing.T) {
	l1, _ := json.Marshal(map[string]any{"tables": []any{map[string]any{"schema": "public", "name": "orders", "total_bytes": 100, "rows": 5}}})
	l2, _ := json.Marshal(map[string]any{"tables": []any{map[string]any{"schema": "public", "name": "invoices", "total_bytes": 200, "rows": 7}}})
	f := func(sev checks.Severity, db string, nodes ...string) checks.Finding {
		return checks.Finding{Code: "L001/x", Severity: sev, Conclusion: "c " + db + strings.Join(nodes, ""), Database: db, Nodes: nodes}
	}
	r := &Report{
		Nodes: []Node{
			{Name: "primary", Databases: []Database{{Name: "shop"}, {Name: "billing"}, {Name: "secret", Skipped: "CONNECT revoked"}}, DatabasesLeftOut: 3},
			{Name: "standby1", Databases: []Database{{Name: "shop"}, {Name: "billing"}}},
		},
		Checks: []Check{{ID: "L001", Title: "Table sizes", Scope: "database", Results: []Result{
			{Node: "primary", Database: "shop", Status: checks.StatusFindings, Data: l1},
			{Node: "standby1", Database: "shop", Status: checks.StatusFindings, Data: l1},
			{Node: "primary", Database: "billing", Status: checks.StatusFindings, Data: l2},
			{Node: "standby1", Database: "billing", Status: checks.StatusError, Reason: "boom"},
		}, Findings: []checks.Finding{
			f(checks.P2, "shop", "primary", "standby1"),
			f(checks.P3, "billing", "standby1"),
		}}, {ID: "A003", Title: "Settings", Findings: []checks.Finding{f(checks.P1, "")}}},
	}
	md := render(t, r)
	for _, want := range []string{
		"| Node | Database | Status | Time | Note |",
		"| standby1 | `billing` | error | 0 ms | boom |",
		"#### Database `shop`\n\n- **P2** c shopprimarystandby1 (`shop` on all nodes)\n\n##### All nodes\n",
		"#### Database `billing`\n\n- **P3** c billingstandby1 (`billing` on standby1)\n\n##### primary\n",
		"| **P2** | [L001](#l001-table-sizes) | `shop` on all nodes | c shopprimarystandby1 |",
		"| **P3** | [L001](#l001-table-sizes) | `billing` on standby1 | c billingstandby1 |",
		"| **P1** | [A003](#a003-settings) | all nodes | c  |",
		"- **P3** c billingstandby1 (`billing` on standby1)",
		"| Database | P1 | P2 | P3 | info |\n|---|---|---|---|---|\n| `shop` | 0 | 1 | 0 | 0 |\n| `billing` | 0 | 0 | 1 | 0 |\n| `secret` (skipped) | 0 | 0 | 0 | 0 |\n| *cluster-wide* | 1 | 0 | 0 | 0 |\n",
		"- primary: `shop`, `billing`, `secret` (skipped: CONNECT revoked); 3 more not checked: cap max\\_databases\n",
		"- standby1: `shop`, `billing`\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
}

// The P1/P2/P3 counts agree between the Markdown summary (and its per-database rows),
// the HTML, the chart and jq over report.json:
// [.checks[].findings[] | select(.severity=="P1") | (.count // 1)] | add
func TestCountInvariant(t *testing.T) {
	r := &Report{SchemaVersion: SchemaVersion,
		Nodes: []Node{{Name: "primary", Databases: []Database{{Name: "shop"}, {Name: "billing"}}}, {Name: "standby1"}},
		Checks: []Check{
			{ID: "H003", Title: "FKs", Scope: "database", Findings: []checks.Finding{
				{Code: "H003/fk", Severity: checks.P2, Conclusion: "a", Database: "shop", Nodes: []string{"primary", "standby1"}},
				{Code: "H003/fk", Severity: checks.P3, Conclusion: "more", Database: "shop", Nodes: []string{"primary", "standby1"}, Count: 40},
				{Code: "H003/fk", Severity: checks.P2, Conclusion: "a", Database: "billing", Nodes: []string{"primary"}},
				{Code: "H003/fk", Severity: checks.P1, Conclusion: "b", Database: "billing", Nodes: []string{"standby1"}, Count: 3},
			}},
			{ID: "A006", Title: "Deviations", Findings: []checks.Finding{
				{Code: "A006/x", Severity: checks.P1, Conclusion: "x"},
				{Code: "A006/y", Severity: checks.Info, Conclusion: "y", Nodes: []string{"standby1"}},
			}},
		}}
	var js bytes.Buffer
	if err := r.Write(&js); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Checks []struct {
			Findings []struct {
				Severity string `json:"severity"`
				Count    *int   `json:"count"`
			} `json:"findings"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(js.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	jq := map[string]int{}
	for _, c := range raw.Checks {
		for _, f := range c.Findings {
			n := 1
			if f.Count != nil {
				n = *f.Count
			}
			jq[f.Severity] += n
		}
	}
	md := render(t, r)
	summary := regexp.MustCompile(`\| P1 findings \| P2 findings \| P3 findings \| info findings \| checks[^\n]*\n[^\n]*\n\| (\d+) \| (\d+) \| (\d+) \| (\d+) \|`).FindStringSubmatch(md)
	if summary == nil {
		t.Fatalf("no summary in:\n%s", md)
	}
	perDB := regexp.MustCompile(`(?m)^\| (?:\x60[^\x60]+\x60|\*cluster-wide\*) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$`).FindAllStringSubmatch(md, -1)
	if len(perDB) != 3 {
		t.Fatalf("per-database rows: %q", perDB)
	}
	rd, _ := NewRenderer()
	page, err := rd.HTML(r)
	if err != nil {
		t.Fatal(err)
	}
	htmlCounts := regexp.MustCompile(`<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>`).FindStringSubmatch(html.UnescapeString(string(page)))
	chart := map[string]int{}
	for _, c := range chartsFor(r) {
		if c.ID != "chart-findings" {
			continue
		}
		b, _ := json.Marshal(c.Option)
		var opt struct {
			Series []struct {
				Name string `json:"name"`
				Data []struct {
					Value int `json:"value"`
				} `json:"data"`
			} `json:"series"`
		}
		if err := json.Unmarshal(b, &opt); err != nil {
			t.Fatal(err)
		}
		for _, s := range opt.Series {
			for _, d := range s.Data {
				chart[s.Name] += d.Value
			}
		}
	}
	for i, sev := range []checks.Severity{checks.P1, checks.P2, checks.P3, checks.Info} {
		want := r.Count(sev)
		sum := 0
		for _, row := range perDB {
			n, _ := strconv.Atoi(row[i+1])
			sum += n
		}
		got := map[string]string{"markdown": summary[i+1], "html": htmlCounts[i+1],
			"chart": strconv.Itoa(chart[sev.String()]), "jq": strconv.Itoa(jq[sev.String()]), "per-database sum": strconv.Itoa(sum)}
		for where, g := range got {
			if g != strconv.Itoa(want) {
				t.Errorf("%s: %s counts %s, report.Count %d", sev, where, g, want)
			}
		}
	}
	if r.Count(checks.P1) != 4 || r.Count(checks.P3) != 40 {
		t.Errorf("P1 %d P3 %d, want 4 and 40", r.Count(checks.P1), r.Count(checks.P3))
	}
}

// Hostile database and node names, keys and values in compared data keep the Markdown
// intact and the HTML inert.
func TestComparisonHostile(t *testing.T) {
	p := reporttest.Payload
	n1, n2, db := "primary"+p, "standby"+p, "shop"+p
	s1, s2 := setting("work_mem"+p, "4096"+p), setting("work_mem"+p, "8192"+p)
	s2["sourcefile"] = "/x" + p
	s2["odd"+p] = p
	d1 := a003(t, s1)
	d2, _ := json.Marshal(map[string]any{"settings": []any{s2, setting("only"+p, p)}, "pending_restart": p, "extra" + p: p})
	r := &Report{SchemaVersion: SchemaVersion,
		Nodes: []Node{{Name: n1, Databases: []Database{{Name: db}, {Name: "b" + p, Skipped: p}}, DatabasesLeftOut: 2}, {Name: n2}},
		Checks: []Check{{ID: "A003", Title: "Settings" + p, Results: []Result{
			{Node: n1, Database: db, Status: checks.StatusOK, Data: d1},
			{Node: n2, Database: db, Status: checks.StatusOK, Data: d2},
			{Node: n1, Database: "b" + p, Status: checks.StatusOK, Data: d1},
			{Node: n2, Database: "b" + p, Status: checks.StatusOK, Data: d1},
		}, Findings: []checks.Finding{
			{Code: "A003/x", Severity: checks.P2, Conclusion: "c" + reporttest.MarkdownPayload, Database: db, Nodes: []string{n2}},
		}}, {ID: "Z001", Title: "No template", Results: []Result{
			{Node: n1, Database: db, Status: checks.StatusOK, Data: json.RawMessage(`{"k":1}`)},
			{Node: n2, Database: db, Status: checks.StatusOK, Data: d2},
		}}}}
	md := render(t, r)
	if !strings.Contains(md, "Differences between nodes") || !strings.Contains(md, "8192") {
		t.Fatalf("no comparison:\n%s", md)
	}
	reporttest.CheckMarkdown(t, "report.md", md)
	rd, _ := NewRenderer()
	page, err := rd.HTML(r)
	if err != nil {
		t.Fatal(err)
	}
	reporttest.CheckHTML(t, string(page))
}

// Nodes with the same databases list them once.
func TestSameDatabasesListedOnce(t *testing.T) {
	dbs := []Database{{Name: "shop"}, {Name: "secret", Skipped: "CONNECT revoked"}}
	r := &Report{Nodes: []Node{{Name: "primary", Databases: dbs}, {Name: "standby1", Databases: dbs}}}
	md := render(t, r)
	if !strings.Contains(md, "- all nodes: `shop`, `secret` (skipped: CONNECT revoked)\n") || strings.Contains(md, "- primary:") {
		t.Errorf("databases:\n%s", md)
	}
}

// A check without a spec whose data lists settings is compared by setting; one whose
// data has another list of rows that differs falls back to a section per node.
func TestSettingsListComparedAnyCheck(t *testing.T) {
	g1, _ := json.Marshal(map[string]any{"settings": []any{setting("work_mem", "4096"), setting("max_connections", "100")}, "ram_bytes": 1024})
	g2, _ := json.Marshal(map[string]any{"settings": []any{setting("max_connections", "100"), setting("work_mem", "8192")}, "ram_bytes": 2048})
	g3, _ := json.Marshal(map[string]any{"settings": []any{setting("max_connections", "100"), setting("work_mem", "4096")}, "ram_bytes": 1024})
	res := func(d ...json.RawMessage) []Result {
		var out []Result
		for i, x := range d {
			out = append(out, Result{Node: twoNodes()[i].Name, Status: checks.StatusOK, Data: x})
		}
		return out
	}
	md := render(t, &Report{Nodes: twoNodes(), Checks: []Check{{ID: "G001", Title: "Memory", Results: res(g1, g2)}}})
	for _, want := range []string{
		"| Setting | primary | standby1 |\n|---|---|---|\n| `work_mem` | `4096` | `8192` |\n\n",
		"| Field | primary | standby1 |\n|---|---|---|\n| `ram_bytes` | 1,024 | 2,048 |\n\n",
		"#### primary (standby1 differs only as the tables above show)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	// the same settings in another order: one rendering, no table
	md = render(t, &Report{Nodes: twoNodes(), Checks: []Check{{ID: "G001", Title: "Memory", Results: res(g1, g3)}}})
	if !strings.Contains(md, "#### primary (standby1 differs only in the order of the rows)") || strings.Contains(md, "Differences") {
		t.Errorf("order only:\n%s", md)
	}
	// another list of rows differs: a section per node
	c1, _ := json.Marshal(map[string]any{"settings": []any{setting("a", "1")}, "standbys": []any{map[string]any{"name": "s1"}}})
	c2, _ := json.Marshal(map[string]any{"settings": []any{setting("a", "1")}, "standbys": []any{}})
	md = render(t, &Report{Nodes: twoNodes(), Checks: []Check{{ID: "C002", Title: "Replication", Results: res(c1, c2)}}})
	if !strings.Contains(md, "#### primary\n") || !strings.Contains(md, "#### standby1\n") || strings.Contains(md, "Differences") {
		t.Errorf("want a section per node:\n%s", md)
	}
}
