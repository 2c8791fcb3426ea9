package e002

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

var resetTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }
func codes(fs []checks.Finding) map[string]checks.Severity {
	m := map[string]checks.Severity{}
	for _, f := range fs {
		m[f.Code] = f.Severity
	}
	return m
}

// base is a primary before 16 with a known reset and nothing to report.
func base() Data {
	return Data{Source: "pg_stat_bgwriter", CheckpointsTimed: 100, CheckpointsRequested: 0,
		BuffersCheckpoint: 900000, BuffersClean: 50000, BuffersBackend: i64(50000), BuffersBackendFsync: i64(0),
		StatsReset: &resetTime, SecondsSinceReset: f64(86400), MaxWALSizeBytes: 1 << 30, CheckpointTimeoutSec: 300, CheckpointCompletionTarget: 0.9,
		IO: []IORow{}, Settings: []pgsettings.Converted{}}
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Data)
		want map[string]checks.Severity
	}{
		{"clean", func(*Data) {}, nil},
		{"requested exactly at threshold", func(d *Data) { d.CheckpointsTimed, d.CheckpointsRequested = 8, 2 }, nil},
		{"requested above threshold", func(d *Data) { d.CheckpointsTimed, d.CheckpointsRequested = 79, 21 },
			map[string]checks.Severity{"E002/requested-checkpoints": checks.P2}},
		{"too few checkpoints to judge", func(d *Data) { d.CheckpointsTimed, d.CheckpointsRequested = 0, 9 }, nil},
		{"just enough checkpoints", func(d *Data) { d.CheckpointsTimed, d.CheckpointsRequested = 0, 10 },
			map[string]checks.Severity{"E002/requested-checkpoints": checks.P2}},
		{"17+ standby judges restartpoints", func(d *Data) {
			d.InRecovery, d.CheckpointsTimed, d.CheckpointsRequested = true, 0, 50
			d.RestartpointsTimed, d.RestartpointsRequested = i64(100), i64(1)
		}, nil},
		{"17+ standby with requested restartpoints", func(d *Data) {
			d.InRecovery, d.RestartpointsTimed, d.RestartpointsRequested = true, i64(10), i64(40)
		}, map[string]checks.Severity{"E002/requested-checkpoints": checks.P2}},
		{"backend writes at threshold", func(d *Data) {
			d.BuffersCheckpoint, d.BuffersClean, d.BuffersBackend = 60000, 10000, i64(30000)
		}, nil},
		{"backend writes above threshold", func(d *Data) {
			d.BuffersCheckpoint, d.BuffersClean, d.BuffersBackend = 60000, 9999, i64(30001)
		}, map[string]checks.Severity{"E002/backend-writes": checks.P3}},
		{"backend writes, too few buffers", func(d *Data) {
			d.BuffersCheckpoint, d.BuffersClean, d.BuffersBackend = 600, 0, i64(99399)
		}, nil},
		{"16+ takes backend writes from pg_stat_io normal context", func(d *Data) {
			d.HasIO, d.BuffersBackend = true, i64(900000) // ring writes in buffers_backend are ignored
			d.IO = []IORow{{BackendType: "client backend", WritesNormal: 10, Writes: 900000},
				{BackendType: "standalone backend", WritesNormal: 800000, Writes: 800000}}
		}, nil},
		{"16+ backends write a lot in normal context", func(d *Data) {
			d.HasIO = true
			d.IO = []IORow{{BackendType: "client backend", WritesNormal: 500000, Writes: 500000},
				{BackendType: "autovacuum worker", WritesNormal: 10, Fsyncs: 3}}
		}, map[string]checks.Severity{"E002/backend-writes": checks.P3, "E002/backend-fsyncs": checks.P3}},
		{"checkpointer fsyncs are normal", func(d *Data) {
			d.HasIO = true
			d.IO = []IORow{{BackendType: "checkpointer", Writes: 900000, Fsyncs: 500}}
		}, nil},
		{"backend fsync before 16", func(d *Data) { d.BuffersBackendFsync = i64(1) },
			map[string]checks.Severity{"E002/backend-fsyncs": checks.P3}},
		{"reset unknown", func(d *Data) { d.StatsReset, d.SecondsSinceReset = nil, nil },
			map[string]checks.Severity{"E002/rates-unknown": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			tc.mod(&d)
			d.Derived = derive(d)
			got := codes(analyze(d, New().cfg))
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for c, s := range tc.want {
				if got[c] != s {
					t.Errorf("%s: got %v, want %v", c, got[c], s)
				}
			}
			render(t, d)
		})
	}
}

func TestMaxWALSuggestion(t *testing.T) {
	d := base()
	d.CheckpointsTimed, d.CheckpointsRequested = 10, 90
	d.WALBytes, d.WALSecondsSinceReset = f64(10<<20*1000), f64(1000) // 10 MiB/s
	d.Derived = derive(d)
	// 10 MiB/s * 300 s * 1.9 = 5700 MiB: rounded up to 6 GiB.
	if d.Derived.SuggestedMaxWALSize == nil || *d.Derived.SuggestedMaxWALSize != 6<<30 {
		t.Fatalf("suggested %v", d.Derived.SuggestedMaxWALSize)
	}
	f := analyze(d, New().cfg)
	if len(f) != 1 || !strings.Contains(f[0].Recommendation, "max_wal_size = '6GB'") {
		t.Fatalf("findings %+v", f)
	}
	// A rate the current size already fits: advise doubling only if the log says so.
	d.WALBytes = f64(1 << 20 * 1000)
	d.Derived = derive(d)
	f = analyze(d, New().cfg)
	if len(f) != 1 || !strings.Contains(f[0].Recommendation, "max_wal_size = '2GB'") || !strings.Contains(f[0].Recommendation, "fits") {
		t.Fatalf("findings %+v", f)
	}
	// No pg_stat_wal (before 14): no computed size, say so.
	d.WALBytes, d.WALSecondsSinceReset = nil, nil
	d.Derived = derive(d)
	if d.Derived.SuggestedMaxWALSize != nil || len(d.Derived.Unknown) != 1 {
		t.Fatalf("derived %+v", d.Derived)
	}
}

func render(t *testing.T, d Data) string { return checktest.Template(t, "E002", d) }

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}
