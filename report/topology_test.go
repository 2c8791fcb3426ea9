package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// cascadeReport is a report of primary -> standby1 -> standby2 as C002 records it, plus a
// WAL sender of the primary whose receiver is not a node (pg_receivewal).
func cascadeReport(t *testing.T) *Report {
	t.Helper()
	data := map[string]string{
		"primary": `{"in_recovery": false, "standbys": [
			{"pid": 10, "application": "standby1", "state": "streaming", "sync_state": "async", "replay_lag_bytes": 0, "replay_lag_sec": 0.002},
			{"pid": 11, "application": "pg_receivewal", "state": "streaming", "sync_state": "async", "slot": "archiver", "replay_lag_bytes": null}],
			"receiver": null}`,
		"standby1": `{"in_recovery": true, "standbys": [
			{"pid": 20, "application": "standby2", "state": "streaming", "sync_state": "async", "replay_lag_bytes": 5242880}],
			"receiver": {"status": "streaming", "sender_host": "127.0.0.1", "sender_port": 5001, "upstream_ahead_bytes": 0, "replay_lag_bytes": 0}}`,
		"standby2": `{"in_recovery": true, "standbys": [],
			"receiver": {"status": "streaming", "sender_host": "127.0.0.1", "sender_port": 5002, "upstream_ahead_bytes": 1024,
			"replay_lag_bytes": 5241856, "last_replay_age_sec": 42, "pause_state": "paused"}}`,
	}
	r := &Report{SchemaVersion: SchemaVersion}
	c := Check{ID: "C002", Title: "Replication", Scope: "cluster", Findings: []checks.Finding{}}
	for i, n := range []string{"primary", "standby1", "standby2"} {
		r.Nodes = append(r.Nodes, Node{Name: n, Host: "127.0.0.1:" + []string{"5001", "5002", "5003"}[i], SystemID: "7"})
		c.Results = append(c.Results, Result{Node: n, Status: checks.StatusOK, Data: json.RawMessage(data[n])})
	}
	r.Checks = []Check{c}
	return r
}

func TestTopologyChart(t *testing.T) {
	r := cascadeReport(t)
	var c *chart
	for _, ch := range chartsFor(r) {
		if ch.ID == "chart-topology" {
			c = &ch
		}
	}
	if c == nil {
		t.Fatal("no topology chart")
	}
	b, err := json.Marshal(c.Option)
	if err != nil {
		t.Fatal(err)
	}
	var opt struct {
		Series []struct {
			Type  string                  `json:"type"`
			Data  []struct{ Name string } `json:"data"`
			Links []struct {
				Source, Target int
				Label          struct{ Formatter string } `json:"label"`
			} `json:"links"`
		} `json:"series"`
	}
	if err := json.Unmarshal(b, &opt); err != nil {
		t.Fatal(err)
	}
	s := opt.Series[0]
	var names []string
	for _, d := range s.Data {
		names = append(names, d.Name)
	}
	if s.Type != "graph" || len(s.Data) != 4 || names[0] != "primary\nprimary" || names[1] != "standby1\ncascading standby" || names[2] != "standby2\nstandby" {
		t.Fatalf("nodes %q", names)
	}
	edges := map[[2]string]string{}
	for _, l := range s.Links {
		edges[[2]string{strings.Split(names[l.Source], "\n")[0], strings.Split(names[l.Target], "\n")[0]}] = l.Label.Formatter
	}
	if got := edges[[2]string{"standby1", "standby2"}]; got != "upstream: 5.0 MiB · standby: 5.0 MiB · async" {
		t.Errorf("cascade link %q (%v)", got, edges)
	}
	if _, ok := edges[[2]string{"primary", "pg_receivewal"}]; !ok || len(edges) != 3 {
		t.Errorf("links %v", edges)
	}

	one := cascadeReport(t)
	one.Nodes, one.Checks[0].Results = one.Nodes[:1], one.Checks[0].Results[:1]
	for _, ch := range chartsFor(one) {
		if ch.ID == "chart-topology" {
			t.Error("a one-node report has no topology")
		}
	}
}

func TestTopologyMarkdown(t *testing.T) {
	md := TopologyMarkdown(cascadeReport(t))
	for _, want := range []string{
		"| `primary` | `standby1` | application\\_name = node name | streaming | async | – | 0 B / 2 ms | 0 B | 0 B | – |",
		"| `standby1` | `standby2` | application\\_name = node name | streaming | async | – | 5.0 MiB | 5.0 MiB | 5.0 MiB | 42s ago |",
		"| `primary` | `pg_receivewal` (not a node of the report) | WAL sender matched to no node | streaming | async | `archiver` | unknown | – | – | – |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	one := cascadeReport(t)
	one.Nodes = one.Nodes[:1]
	if TopologyMarkdown(one) != "" {
		t.Error("a one-node report has no topology table")
	}
}
