package platform

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

func raw(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// handMade is a report of a primary, a standby and an unreachable node, with A002,
// A004 (one database measured), H004 in two databases, and C002 (no platform schema).
func handMade(t *testing.T) *report.Report {
	started := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	size := int64(10 << 20)
	drop, keep := int64(8192), int64(16384)
	h004 := func(db string) json.RawMessage {
		return raw(t, map[string]any{"total": 1, "indexes": []any{map[string]any{
			"schema": "public", "table": "t", "drop_index": "t_a_" + db, "keep_index": "t_a_b", "rule": "btree-prefix",
			"drop_bytes": drop, "keep_bytes": keep, "drop_scans": 3,
			"drop_def": "CREATE INDEX t_a ON public.t USING btree (a)", "keep_def": "CREATE INDEX t_a_b ON public.t USING btree (a, b)"}}})
	}
	a004 := raw(t, map[string]any{"role": "primary", "max_connections": 100, "databases": []any{
		map[string]any{"name": "app", "size_bytes": size, "size_source": "estimate"},
		map[string]any{"name": "billing", "size_source": "not measured"}}})
	return &report.Report{
		SchemaVersion: report.SchemaVersion, StartedAt: started,
		Nodes: []report.Node{
			{Name: "p", Role: "primary", Version: "16.4", VersionNum: 160004, Database: "app"},
			{Name: "s", Role: "standby", InRecovery: true, Version: "16.4", VersionNum: 160004, Database: "app"},
			{Name: "gone", Error: "connection refused"},
		},
		Checks: []report.Check{
			{ID: "A002", Scope: "cluster", Results: []report.Result{
				{Node: "p", Status: checks.StatusOK, Data: raw(t, map[string]any{"version": "16.4", "version_num": 160004, "major": 16, "minor": 4})},
				{Node: "s", Status: checks.StatusOK, Data: raw(t, map[string]any{"version": "16.4", "version_num": 160004, "major": 16, "minor": 4})},
				{Node: "gone", Status: checks.StatusError, Reason: "unreachable"},
			}},
			{ID: "A004", Scope: "cluster", Results: []report.Result{{Node: "p", Status: checks.StatusOK, Data: a004}}},
			{ID: "C002", Scope: "cluster", Results: []report.Result{{Node: "p", Status: checks.StatusOK, Data: raw(t, map[string]any{})}}},
			{ID: "H004", Scope: "database", Results: []report.Result{
				{Node: "p", Database: "app", Status: checks.StatusFindings, Data: h004("app")},
				{Node: "p", Database: "billing", Status: checks.StatusFindings, Data: h004("billing")},
				{Node: "s", Database: "app", Status: checks.StatusError, Reason: "timeout"},
			}},
		},
	}
}

func TestExportHandMade(t *testing.T) {
	files, notes, err := ExportNotes(handMade(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files["C002.json"] != nil {
		t.Fatalf("files: %d (want A002, A004, H004)", len(files))
	}
	var a002 struct {
		CheckTitle  string
		Timestamptz string
		Nodes       struct {
			Primary  string
			Standbys []string
		}
		Results map[string]map[string]any
	}
	if err := json.Unmarshal(files["A002.json"], &a002); err != nil {
		t.Fatal(err)
	}
	if a002.CheckTitle != "Postgres major version" || a002.Timestamptz != "2026-12-01T10:00:00Z" ||
		a002.Nodes.Primary != "p" || len(a002.Nodes.Standbys) != 1 || a002.Nodes.Standbys[0] != "s" {
		t.Errorf("A002 header: %+v", a002)
	}
	if len(a002.Results) != 2 || a002.Results["gone"] != nil {
		t.Errorf("A002 results: %v", a002.Results)
	}
	if v := a002.Results["p"]["data"].(map[string]any)["version"].(map[string]any); v["server_major_ver"] != "16" || v["server_minor_ver"] != "4" || v["server_version_num"] != "160004" {
		t.Errorf("A002 version: %v", v)
	}
	var h004 struct {
		Results map[string]struct {
			Data             map[string]map[string]any
			Postgres_version map[string]string
		}
	}
	if err := json.Unmarshal(files["H004.json"], &h004); err != nil {
		t.Fatal(err)
	}
	p := h004.Results["p"]
	if len(h004.Results) != 1 || len(p.Data) != 2 || p.Postgres_version["version"] != "16.4" {
		t.Fatalf("H004: %s", files["H004.json"])
	}
	app, billing := p.Data["app"], p.Data["billing"]
	if app["database_size_bytes"] != float64(10<<20) || app["database_size_pretty"] != "10.0 MiB" {
		t.Errorf("app size: %v %v", app["database_size_bytes"], app["database_size_pretty"])
	}
	// billing's size was not measured: 0 and N/A, and a note says so.
	if billing["database_size_bytes"] != float64(0) || billing["database_size_pretty"] != "N/A" {
		t.Errorf("billing size: %v %v", billing["database_size_bytes"], billing["database_size_pretty"])
	}
	if !strings.Contains(strings.Join(notes, "\n"), "H004: p/billing: database size not measured") {
		t.Errorf("notes: %q", notes)
	}
	ix := app["redundant_indexes"].([]any)[0].(map[string]any)
	if ix["index_name"] != "t_a_app" || ix["access_method"] != "btree" || ix["index_usage"] != float64(3) ||
		ix["index_size_pretty"] != "8.0 KiB" || ix["table_size_pretty"] != "N/A" {
		t.Errorf("H004 index: %v", ix)
	}
	// A004: only the measured database is in database_sizes.
	var a004 struct {
		Results map[string]struct {
			Data struct{ Database_sizes map[string]float64 }
		}
	}
	if err := json.Unmarshal(files["A004.json"], &a004); err != nil {
		t.Fatal(err)
	}
	if s := a004.Results["p"].Data.Database_sizes; len(s) != 1 || s["app"] != float64(10<<20) {
		t.Errorf("A004 sizes: %v", s)
	}
}

// TestExportNothingToSend: a check whose every result failed has no file, and a note.
func TestExportNothingToSend(t *testing.T) {
	r := handMade(t)
	r.Checks = r.Checks[3:] // H004 only
	r.Checks[0].Results = r.Checks[0].Results[2:]
	files, notes, err := ExportNotes(r)
	if err != nil || len(files) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "H004: no node has a result") {
		t.Errorf("files %d, notes %q, err %v", len(files), notes, err)
	}
}

// TestExportBadData: data that does not decode as the check's type is an error naming
// the check and node; the other checks' files are still returned.
func TestExportBadData(t *testing.T) {
	r := handMade(t)
	r.Checks[1].Results[0].Data = json.RawMessage(`{"max_connections": "many"}`)
	files, err := Export(r)
	if err == nil || !strings.Contains(err.Error(), "A004: data of p") {
		t.Fatalf("err %v", err)
	}
	if files["A004.json"] != nil || files["A002.json"] == nil {
		t.Errorf("files: %v", len(files))
	}
}

// TestValidateNamesPointerAndRule: an invalid file is refused with the check, the JSON
// pointer of each offending value and the schema rule it breaks.
func TestValidateNamesPointerAndRule(t *testing.T) {
	files, err := Export(handMade(t))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(files["A002.json"], &doc); err != nil {
		t.Fatal(err)
	}
	v := doc["results"].(map[string]any)["p"].(map[string]any)["data"].(map[string]any)["version"].(map[string]any)
	v["server_version_num"] = 160004 // a number where the schema wants a string
	doc["query_text"] = "SELECT secret"
	b, _ := json.Marshal(doc)
	err = Validate("A002", b)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.CheckID != "A002" {
		t.Fatalf("err %v", err)
	}
	want := map[string]string{
		"/results/p/data/version/server_version_num": "/$defs/postgresVersion/properties/server_version_num/type",
		"": "/additionalProperties",
	}
	for _, v := range ve.Violations {
		if want[v.Pointer] == v.Rule {
			delete(want, v.Pointer)
		}
	}
	if len(want) > 0 {
		t.Errorf("violations %+v; missing %v", ve.Violations, want)
	}
	msg := err.Error()
	for _, s := range []string{"A002.json", "/results/p/data/version/server_version_num", "rule /$defs/postgresVersion/properties/server_version_num/type", "(root)"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message lacks %q:\n%s", s, msg)
		}
	}
	if err := Validate("C002", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "no platform schema") {
		t.Errorf("C002: %v", err)
	}
	if err := Validate("A002", []byte(`{`)); err == nil {
		t.Error("not JSON: no error")
	}
}

// TestWrite: files are 0600 in a 0700 folder; an invalid file is refused and not
// written; a file an earlier export left and this one did not produce is removed.
func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "platform")
	files, err := Export(handMade(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "K003.json"), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, files); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		t.Errorf("%d files, want 3 (stale K003.json removed)", len(entries))
	}
	for _, e := range entries {
		if st, _ := e.Info(); st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v", e.Name(), st.Mode().Perm())
		}
	}
	bad := map[string][]byte{"G001.json": []byte(`{"checkId": "G001"}`)}
	if err := Write(dir, bad); err == nil || !strings.Contains(err.Error(), "G001") {
		t.Errorf("invalid file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "G001.json")); err == nil {
		t.Error("an invalid file was written")
	}
}

// TestSchemas: every embedded schema compiles, has its title, and SOURCE.md is kept.
func TestSchemas(t *testing.T) {
	ids := Schemas()
	if len(ids) != 26 {
		t.Errorf("%d schemas: %v", len(ids), ids)
	}
	for id := range mappers {
		if Title(id) == "" {
			t.Errorf("%s: no title", id)
		}
	}
	if _, err := schemaFS.ReadFile("schemas/SOURCE.md"); err != nil {
		t.Error(err)
	}
}
