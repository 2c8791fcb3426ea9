package a006

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
)

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
	out := checktest.Template(t, "A006", cmp)
	for _, want := range []string{"5 of 5 settings compared differ", "reference is p", "| Setting | p (primary) | s1 (standby) | s\\|2 | Severity |",
		"| `work_mem` | `4MB` (configuration file) | **`8MB`** (configuration file) | *not read* | P2 |",
		"**not set**", "*(hidden: custom setting)*", "`<script>\\|`", "**below the primary**", "Not compared: s\\|2: node not reachable: a\\|b."} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	checktest.TableRows(t, out, 5)

	same := Diff([]checks.NodeOutcome{nodeOut("p", "primary", 150000), nodeOut("s", "standby", 150000)})
	if out := checktest.Template(t, "A006", same); !strings.Contains(out, "No setting differs between the nodes compared (3 settings)") {
		t.Errorf("same:\n%s", out)
	}
	if out := checktest.Template(t, "A006", Data{Settings: []Setting{set("work_mem", "4096", "kB", "integer")}, Ignored: 20}); !strings.Contains(out, "1 settings read for the comparison") {
		t.Errorf("node data:\n%s", out)
	}
}
