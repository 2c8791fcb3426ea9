package platform

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// workloadReport is a primary and a standby with every workload check: two listed
// groups (app, billing), one hidden, one over two databases, and others.
func workloadReport(t *testing.T) *report.Report {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	win := map[string]any{"source": "window", "seconds": 7200, "start": start, "end": end, "attributed_percent": 100}
	kwin := map[string]any{"source": "window", "seconds": 7200, "start": start, "end": end}
	krow := func(id int64, dbs []string, bytes float64) map[string]any {
		return map[string]any{"queryid": fmt.Sprint(id), "parts": len(dbs), "databases": dbs, "calls": 10, "time_ms": 5.5, "rows": 7,
			"value": bytes / 8192, "bytes": bytes}
	}
	listing := raw(t, map[string]any{"window": kwin, "measure": "x", "unit": "blocks", "block_size": 8192, "block_size_assumed": true,
		"top_n": 20, "groups": 5, "rows": []any{krow(11, []string{"app"}, 8192), krow(12, []string{"billing", "app"}, 16384),
			map[string]any{"queryid": "0", "hidden": true, "bytes": 4096}},
		"others": map[string]any{"groups": 2, "bytes": 100}})
	mrow := func(id int64, db string) map[string]any {
		return map[string]any{"queryid": fmt.Sprint(id), "parts": 1, "databases": []string{db}, "calls": 4, "time_ms": 8, "mean_ms": 2,
			"rows": 40, "io_time_ms": 3, "blk_read_ms": 2, "blk_write_ms": 1}
	}
	mdata := raw(t, map[string]any{"window": kwin, "top_n": 20, "rows": []any{mrow(21, "app"), mrow(22, "app")},
		"others": map[string]any{"parts": 3, "time_ms": 1}})
	k003 := raw(t, map[string]any{"window": win, "total_ms": 20, "statements": 3, "top": []any{
		map[string]any{"queryid": "31", "database": "app", "user": "u", "calls": 2, "total_ms": 10, "rows": 4},
		map[string]any{"queryid": "32", "database": "billing", "user": "u", "calls": 1, "total_ms": 5, "rows": 1}}})
	k001 := raw(t, map[string]any{"window": win, "totals": map[string]any{"calls": map[string]any{"total": 5}}})
	n001 := raw(t, map[string]any{"window": kwin, "samples": 10, "session_samples": 9, "queryids": true, "events": []any{
		map[string]any{"type": "Lock", "event": "relation", "count": 5, "statements": []any{
			map[string]any{"queryid": "41", "count": 3}, map[string]any{"queryid": "42", "count": 1}}, "more_statements": 1},
		map[string]any{"type": "Lock", "event": "tuple", "count": 2, "statements": []any{map[string]any{"queryid": "42", "count": 2}}},
		map[string]any{"type": "CPU", "event": "CPU", "count": 2}}})
	both := func(id string, d json.RawMessage) report.Check {
		return report.Check{ID: id, Scope: "cluster", Results: []report.Result{
			{Node: "p", Status: checks.StatusOK, Data: d}, {Node: "s", Status: checks.StatusOK, Data: d}}}
	}
	r := &report.Report{SchemaVersion: report.SchemaVersion, StartedAt: start,
		Nodes: []report.Node{
			{Name: "p", Role: "primary", Version: "16.4", VersionNum: 160004, Database: "app"},
			{Name: "s", Role: "standby", InRecovery: true, Version: "16.4", VersionNum: 160004, Database: "app"},
		}}
	for _, id := range []string{"K004", "K005", "K006", "K007", "K008"} {
		r.Checks = append(r.Checks, both(id, listing))
	}
	for _, id := range []string{"M001", "M002", "M003"} {
		r.Checks = append(r.Checks, both(id, mdata))
	}
	r.Checks = append(r.Checks, both("K001", k001), both("K003", k003), both("N001", n001))
	return r
}

func TestExportWorkloadMore(t *testing.T) {
	files, notes, err := ExportNotes(workloadReport(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"K001", "K003", "K004", "K005", "K006", "K007", "K008", "M001", "M002", "M003", "N001"} {
		b := files[File(id)]
		if b == nil {
			t.Errorf("%s: no file", id)
			continue
		}
		if err := Validate(id, b); err != nil { // Export validated it; say so again
			t.Error(err)
		}
		var doc struct {
			Results map[string]struct {
				Data map[string]json.RawMessage `json:"data"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Results) != 2 {
			t.Errorf("%s: %d node results, want 2", id, len(doc.Results))
		}
		if strings.Contains(string(b), `"query"`) || strings.Contains(string(b), `"query_text"`) {
			t.Errorf("%s: a query text field:\n%s", id, b)
		}
	}
	var k004 struct {
		Results map[string]struct {
			Data map[string]struct {
				TopQueries []map[string]any `json:"top_queries"`
				Summary    map[string]any   `json:"summary"`
			}
		}
	}
	if err := json.Unmarshal(files["K004.json"], &k004); err != nil {
		t.Fatal(err)
	}
	app := k004.Results["p"].Data["app"]
	// group 11 in app; group 12's main part is billing; the hidden group is left out.
	if len(app.TopQueries) != 1 || app.TopQueries[0]["queryid"] != "11" || app.TopQueries[0]["total_temp_bytes"] != 8192.0 {
		t.Errorf("K004 app: %+v", app)
	}
	if b := k004.Results["p"].Data["billing"]; len(b.TopQueries) != 1 || b.TopQueries[0]["queryid"] != "12" {
		t.Errorf("K004 billing: %+v", b)
	}
	if s := app.Summary; s["time_range_hours"] != 2.0 || s["total_temp_bytes_other"] != 0.0 ||
		len(s["hourly_timestamps"].([]any)) != 1 || s["hourly_timestamps"].([]any)[0] != float64(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Unix()) {
		t.Errorf("K004 summary: %+v", s)
	}
	var n001 struct {
		Results map[string]struct {
			Data map[string]struct {
				Types   map[string]map[string]any `json:"wait_event_types"`
				Summary map[string]any            `json:"summary"`
			}
		}
	}
	if err := json.Unmarshal(files["N001.json"], &n001); err != nil {
		t.Fatal(err)
	}
	all := n001.Results["p"].Data[allDatabases]
	lock := all.Types["Lock"]
	if lock["total_occurrences"] != 7.0 || lock["unique_queries"] != 2.0 || all.Summary["total_occurrences"] != 9.0 ||
		all.Summary["wait_event_types_count"] != 2.0 {
		t.Errorf("N001: %+v", all)
	}
	// 42 waited on relation once and on tuple twice: 3, listed after or with 41 (3).
	q := lock["queries_list"].([]any)
	if len(q) != 2 || q[1].(map[string]any)["occurrences"] != 3.0 || len(q[1].(map[string]any)["wait_events"].(map[string]any)) != 2 {
		t.Errorf("N001 Lock queries: %+v", q)
	}
	var k001 struct {
		Results map[string]struct {
			Data map[string]struct {
				Metrics []map[string]any `json:"query_metrics"`
				Summary map[string]any   `json:"summary"`
			}
		}
	}
	if err := json.Unmarshal(files["K001.json"], &k001); err != nil {
		t.Fatal(err)
	}
	if a := k001.Results["p"].Data["app"]; len(a.Metrics) != 1 || a.Summary["total_calls"] != 2.0 || a.Summary["total_queries"] != 1.0 {
		t.Errorf("K001 app: %+v", a)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{"K004: p: 1 statement group(s) without a visible queryid", "span several databases",
		"not listed are summed over all databases", "K001: p: query_metrics and summary cover the 2", "N001: p: samples of the whole node"} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q:\n%s", want, joined)
		}
	}
	if strings.Count(joined, "K003: p:") != 1 { // K003's own notes once, not again for K001
		t.Errorf("K003 notes:\n%s", joined)
	}
}
