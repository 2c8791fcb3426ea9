package a006

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/templates"
)

// compared renders a comparison with the template "A006.compared", through JSON as the
// report does.
func compared(t *testing.T, cmp Comparison) string {
	t.Helper()
	b, err := json.Marshal(cmp)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var data any
	if err := dec.Decode(&data); err != nil {
		t.Fatal(err)
	}
	set, err := template.New("").Funcs(report.Funcs).Option("missingkey=zero").ParseFS(templates.FS, "*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := set.ExecuteTemplate(&out, "A006.compared", map[string]any{"Data": data}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// TestTemplate renders the comparison (a column per node) with hostile values, and one
// node's data.
func TestTemplate(t *testing.T) {
	evil := set("x|`y", "<script>|", "", "string")
	hidden := set("app.salt", "1", "", "string")
	pend := set("jit", "on", "", "bool")
	pend.PendingRestart = true
	down := checks.NodeOutcome{Node: checks.Node{Name: "s|2"}, Status: checks.StatusError, Unreachable: "node not reachable: a|b"}
	cmp := Diff([]checks.NodeOutcome{nodeOut("p", "primary", 150000, evil, hidden),
		nodeOut("s1", "standby", 150000, set("work_mem", "8192", "kB", "integer"), set("max_connections", "50", "", "integer"), pend), down})
	// As the privacy layer leaves a custom setting's value.
	for i := range cmp.Rows {
		for j := range cmp.Rows[i].Cells {
			if c := &cmp.Rows[i].Cells[j]; c.Name == "app.salt" && c.Value != "" {
				c.Value, c.Hidden = "(hidden: custom setting)", true
			}
		}
	}
	out := compared(t, cmp)
	for _, want := range []string{"5 of 5 settings compared differ", "reference is p", "| Setting | p (primary) | s1 (standby) | s\\|2 | Severity |",
		"| `work_mem` | `4MB` (configuration file) | **`8MB`** (configuration file) | *not read* | P2 |",
		"**not set**", "*(hidden: custom setting)*", "`<script>\\|`", "**below the primary**", "Not compared: s\\|2: node not reachable: a\\|b."} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	checktest.TableRows(t, out, 5)

	same := Diff([]checks.NodeOutcome{nodeOut("p", "primary", 150000), nodeOut("s", "standby", 150000)})
	if out := compared(t, same); !strings.Contains(out, "No setting differs between the nodes compared (3 settings)") {
		t.Errorf("same:\n%s", out)
	}
	if out := checktest.Template(t, "A006", Data{Settings: []Setting{set("work_mem", "4096", "kB", "integer")}, Ignored: 20}); !strings.Contains(out, "1 settings read for the comparison") {
		t.Errorf("node data:\n%s", out)
	}
}
