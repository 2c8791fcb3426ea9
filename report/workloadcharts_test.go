package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// TestWorkloadCharts: K003's shares (ranks and types, the others in one bar) and N001's
// wait profile are charted from the JSON alone, on the first node with data; without
// data there is no chart.
func TestWorkloadCharts(t *testing.T) {
	r := &Report{Checks: []Check{
		{ID: "K003", Results: []Result{{Node: "standby", Status: checks.StatusSkipped},
			{Node: "primary", Status: checks.StatusOK, Data: json.RawMessage(`{"top":[{"type":"SELECT","share_percent":61.25},{"type":"INSERT","share_percent":30}],"others":{"groups":3,"share_percent":8.75}}`)}}},
		{ID: "N001", Results: []Result{{Node: "primary", Status: checks.StatusOK, Data: json.RawMessage(`{"events":[{"type":"Lock","event":"transactionid","percent":40},{"type":"CPU","event":"CPU","percent":25}]}`)}}},
	}}
	got := map[string]string{}
	for _, c := range chartsFor(r) {
		b, _ := json.Marshal(c.Option)
		got[c.ID] = c.Title + " " + string(b)
	}
	s := got["chart-statements"]
	for _, want := range []string{"(K003, primary)", `"#1 SELECT"`, `"#2 INSERT"`, `"all others"`, "61.3", "8.8"} {
		if !strings.Contains(s, want) {
			t.Errorf("statements chart lacks %s: %s", want, s)
		}
	}
	if w := got["chart-waits"]; !strings.Contains(w, `"Lock: transactionid"`) || !strings.Contains(w, "40") {
		t.Errorf("waits chart: %s", w)
	}
	if cs := chartsFor(&Report{Checks: []Check{{ID: "K003", Results: []Result{{Node: "p", Status: checks.StatusSkipped}}}}}); len(cs) != 0 {
		t.Errorf("charts without data: %+v", cs)
	}
}
