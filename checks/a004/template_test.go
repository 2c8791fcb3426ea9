package a004_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks/a004"
)

func TestTemplate(t *testing.T) {
	size, age, hit, commit, fails := int64(3<<30), 90000.0, 99.5, 97.25, int64(0)
	started, _ := time.Parse(time.RFC3339, "2026-11-01T10:00:00Z")
	d := a004.Data{Role: "primary", StartedAt: started, UptimeSeconds: 3 * 86400, MaxConnections: 100, SuperuserReserved: 3,
		Connections: 5, CheckpointSource: "pg_stat_checkpointer",
		Checkpoints: a004.Checkpoints{Timed: 10, Requested: 2, WriteSeconds: 125, SyncSeconds: 0.5, BuffersWritten: 1234567, StatsAgeSeconds: &age},
		Databases: []a004.Database{
			{Name: "a|`b<script>", SizeBytes: &size, SizeSource: a004.SizeExact, Stats: a004.Stats{Commits: 1000, Rollbacks: 28, BlksHit: 995, BlksRead: 5,
				CacheHitPct: &hit, CommitPct: &commit, ChecksumFailures: &fails}, StatsAgeSeconds: &age},
			{Name: "locked", SizeSource: a004.SizeNoPrivilege},
		},
		Total: a004.Stats{Commits: 1000, Rollbacks: 28, CacheHitPct: &hit, CommitPct: &commit}, TotalSizeBytes: size, SizeUnknown: 1, ExactSizes: true,
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

func render(t *testing.T, data any) string { return checktest.Template(t, "A004", data) }

func tableRows(t *testing.T, out string, cells ...int) { checktest.TableRows(t, out, cells...) }

// TestTemplateEstimates: an estimated size is marked as one, the others say "not
// measured", and the total is not pretended.
func TestTemplateEstimates(t *testing.T) {
	size := int64(3 << 30)
	d := a004.Data{Role: "primary", Databases: []a004.Database{
		{Name: "app", SizeBytes: &size, SizeSource: a004.SizeEstimate},
		{Name: "other", SizeSource: a004.SizeNotMeasured},
	}, TotalSizeBytes: size, SizeUnknown: 1}
	out := render(t, d)
	for _, want := range []string{"| `app` | ~3.0 GiB (estimate) |", "| `other` | not measured |", "| **all** | not measured |",
		"`exact_database_sizes = true`"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "Size \"unknown\"") {
		t.Errorf("unknown-size note for sizes not measured:\n%s", out)
	}
}
