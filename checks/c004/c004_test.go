package c004

import (
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func ptr[T any](v T) *T { return &v }

func codes(fs []checks.Finding) map[string]checks.Severity {
	m := map[string]checks.Severity{}
	for _, f := range fs {
		m[f.Code] = f.Severity
	}
	return m
}

func TestAnalyze(t *testing.T) {
	standby := func(c Conflicts, mod func(*Data)) Data {
		d := Data{InRecovery: true, StatusIntervalSec: ptr(10.0), Totals: c, ConflictDatabases: 1, OldestResetAgeSec: ptr(3600.0),
			Databases: []Database{{Name: "app", Conflicts: c, ResetAgeSec: ptr(3600.0)}}}
		if c.Total() == 0 {
			d.Databases, d.ConflictDatabases = nil, 0
		}
		if mod != nil {
			mod(&d)
		}
		return d
	}
	cfg := New().cfg
	for _, tc := range []struct {
		name string
		d    Data
		cfg  Config
		want map[string]checks.Severity
	}{
		{"clean standby", standby(Conflicts{}, nil), cfg, map[string]checks.Severity{}},
		{"primary with old counts", standby(Conflicts{Snapshot: 5, Lock: 2}, func(d *Data) { d.InRecovery = false }), cfg, map[string]checks.Severity{}},
		{"snapshot, feedback off", standby(Conflicts{Snapshot: 1}, nil), cfg, map[string]checks.Severity{"C004/snapshot-conflicts": checks.P2}},
		{"snapshot, feedback on", standby(Conflicts{Snapshot: 3}, func(d *Data) { d.Feedback = true }), cfg,
			map[string]checks.Severity{"C004/snapshot-conflicts": checks.P3}},
		{"snapshot, feedback on but not sent", standby(Conflicts{Snapshot: 3}, func(d *Data) { d.Feedback = true; d.StatusIntervalSec = ptr(0.0) }), cfg,
			map[string]checks.Severity{"C004/snapshot-conflicts": checks.P2, "C004/feedback-not-sent": checks.P3}},
		{"feedback not sent, no conflicts", standby(Conflicts{}, func(d *Data) { d.Feedback = true; d.StatusIntervalSec = ptr(0.0) }), cfg,
			map[string]checks.Severity{"C004/feedback-not-sent": checks.P3}},
		{"feedback on, interval unknown", standby(Conflicts{}, func(d *Data) { d.Feedback = true; d.StatusIntervalSec = nil }), cfg, map[string]checks.Severity{}},
		{"every other type", standby(Conflicts{Lock: 1, BufferPin: 2, Deadlock: 1, Tablespace: 1, ActiveLogicalSlot: ptr(int64(1))}, nil), cfg,
			map[string]checks.Severity{"C004/lock-conflicts": checks.P3, "C004/bufferpin-conflicts": checks.P3, "C004/deadlock-conflicts": checks.P3,
				"C004/tablespace-conflicts": checks.P3, "C004/logicalslot-conflicts": checks.P3}},
		{"below min_conflicts", standby(Conflicts{Snapshot: 9, Lock: 10}, nil), Config{MinConflicts: 10, TopN: 50},
			map[string]checks.Severity{"C004/lock-conflicts": checks.P3}},
		{"at min_conflicts", standby(Conflicts{Snapshot: 10}, nil), Config{MinConflicts: 10, TopN: 50},
			map[string]checks.Severity{"C004/snapshot-conflicts": checks.P2}},
		{"min_conflicts 0 means 1", standby(Conflicts{}, nil), Config{MinConflicts: 0}, map[string]checks.Severity{}},
		// -1 delays are C002's finding: nothing here.
		{"unbounded delay", standby(Conflicts{}, func(d *Data) { d.StreamingDelaySec = -1; d.ArchiveDelaySec = -1 }), cfg, map[string]checks.Severity{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := codes(analyze(tc.d, tc.cfg))
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: got %v, want %v (all %v)", k, got[k], v, got)
				}
			}
		})
	}
}

func TestWording(t *testing.T) {
	c := Conflicts{Snapshot: 1234}
	d := Data{InRecovery: true, Totals: c, ConflictDatabases: 2, NeverResetDatabases: 1,
		Databases: []Database{{Name: "app", Conflicts: c}}}
	fs := analyze(d, New().cfg)
	if len(fs) != 1 {
		t.Fatalf("%+v", fs)
	}
	f := fs[0]
	for _, s := range []string{"1,234 queries were cancelled", "`app` and possibly other databases", "no reset recorded", "hot_standby_feedback = on", "bloat on the primary"} {
		if !strings.Contains(f.Conclusion+f.Recommendation, s) {
			t.Errorf("missing %q in %s / %s", s, f.Conclusion, f.Recommendation)
		}
	}
	if !slices.Equal(f.Objects, []checks.Name{"app"}) {
		t.Errorf("objects %v", f.Objects)
	}
	d.PrimarySlot, d.Feedback, d.NeverResetDatabases, d.OldestResetAgeSec = "sb", true, 0, ptr(7200.0)
	f = analyze(d, New().cfg)[0]
	if !strings.Contains(f.Recommendation, "`sb`") || !strings.Contains(f.Conclusion, "reset 2h") || f.Severity != checks.P3 {
		t.Errorf("%s / %s", f.Conclusion, f.Recommendation)
	}
}
