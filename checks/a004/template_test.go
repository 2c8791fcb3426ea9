package a004_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/pgcheckup/pgcheckup/checks/a004"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/templates"
)

func TestTemplate(t *testing.T) {
	size, age, hit, commit, fails := int64(3<<30), 90000.0, 99.5, 97.25, int64(0)
	started, _ := time.Parse(time.RFC3339, "2026-11-01T10:00:00Z")
	d := a004.Data{Role: "primary", StartedAt: started, UptimeSeconds: 3 * 86400, MaxConnections: 100, SuperuserReserved: 3,
		Connections: 5, CheckpointSource: "pg_stat_checkpointer",
		Checkpoints: a004.Checkpoints{Timed: 10, Requested: 2, WriteSeconds: 125, SyncSeconds: 0.5, BuffersWritten: 1234567, StatsAgeSeconds: &age},
		Databases: []a004.Database{
			{Name: "a|`b<script>", SizeBytes: &size, Stats: a004.Stats{Commits: 1000, Rollbacks: 28, BlksHit: 995, BlksRead: 5,
				CacheHitPct: &hit, CommitPct: &commit, ChecksumFailures: &fails}, StatsAgeSeconds: &age},
			{Name: "locked"},
		},
		Total: a004.Stats{Commits: 1000, Rollbacks: 28, CacheHitPct: &hit, CommitPct: &commit}, TotalSizeBytes: size, SizeUnknown: 1,
	}
	out := render(t, d)
	for _, want := range []string{"| primary | 2026-11-01T10:00:00Z | 3d 0h | 5 | 100 | 3 |",
		"| `` a\\|`b<script> `` | 3.0 GiB | 0 | 99.5% | 1,000 | 28 | 97.2% |", "| 0 | 1d 1h ago |",
		"| `locked` | unknown |", "checksums off | never |", "| **all** | 3.0 GiB + 1 unknown |",
		"Size \"unknown\"", "`pg_stat_checkpointer`, since the reset 1d 1h ago", "| 10 | 2 | 2m 5s | 500 ms | 1,234,567 |"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	tableRows(t, out, 6, 13, 5)
	d.SizeUnknown, d.Connections, d.ConnectionsHidden = 0, 7, 4
	if out := render(t, d); strings.Contains(out, "Size \"unknown\"") || !strings.Contains(out, "| 7 (and 4 processes") {
		t.Errorf("size note without unknown sizes:\n%s", out)
	}
}

// render runs templates/A004.md.tmpl on data the way the report does: from JSON, with
// numbers as json.Number.
func render(t *testing.T, data any) string {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New("A004.md.tmpl").Funcs(report.Funcs).ParseFS(templates.FS, "A004.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := tmpl.Execute(&out, map[string]any{"Data": generic, "Node": "node1"}); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// tableRows fails t for a table row that does not have cells cells.
func tableRows(t *testing.T, out string, cells ...int) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
		if !slices.Contains(cells, n) {
			t.Errorf("table row with %d cells, want %v: %s", n, cells, line)
		}
	}
}
