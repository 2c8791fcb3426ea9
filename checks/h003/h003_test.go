package h003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func ptr(v int64) *int64 { return &v }

func TestAnalyze(t *testing.T) {
	cfg := New().cfg
	fk := func(bytes int64, writes *int64, partitioned bool) FK {
		return FK{Schema: "s", Table: "child", Constraint: "child_pid_fkey", Columns: []checks.Name{"pid"},
			RefSchema: "s", RefTable: "parent", RefColumns: []checks.Name{"id"}, TableBytes: bytes,
			RefWrites: writes, Partitioned: partitioned, Partitions: 1, Unindexed: 1,
			Fix: "CREATE INDEX CONCURRENTLY ON s.child (pid);"}
	}
	cases := []struct {
		name string
		fk   FK
		want checks.Severity
	}{
		{"small, written", fk(cfg.LargeTableBytes-1, ptr(10), false), checks.P3},
		{"large, written", fk(cfg.LargeTableBytes, ptr(1), false), checks.P2},
		{"large, never written", fk(cfg.LargeTableBytes*10, ptr(0), false), checks.P3},
		{"large, no statistics", fk(cfg.LargeTableBytes*10, nil, false), checks.P3},
		{"partitioned, large, written", fk(cfg.LargeTableBytes, ptr(5), true), checks.P2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := analyze(Data{FKs: []FK{tc.fk}}, cfg)
			if len(got) != 1 || got[0].Code != "H003/fk-without-index" || got[0].Severity != tc.want {
				t.Fatalf("got %+v, want one H003/fk-without-index %v", got, tc.want)
			}
			f := got[0]
			if tc.fk.Partitioned {
				if !strings.Contains(f.Recommendation, "ON ONLY") || !strings.Contains(f.Conclusion, "1 of its 1 partitions") {
					t.Errorf("partitioned advice missing: %s / %s", f.Conclusion, f.Recommendation)
				}
			} else if !strings.Contains(f.Recommendation, "CREATE INDEX CONCURRENTLY ON s.child (pid);") {
				t.Errorf("recommendation lacks the statement: %s", f.Recommendation)
			}
			if tc.fk.RefWrites == nil && !strings.Contains(f.Conclusion, "no statistics") {
				t.Errorf("missing statistics not said: %s", f.Conclusion)
			}
		})
	}
	if got := analyze(Data{}, cfg); len(got) != 0 {
		t.Errorf("no foreign keys: got %v", got)
	}
	cfg.MinRefWrites = 100
	if got := analyze(Data{FKs: []FK{fk(cfg.LargeTableBytes, ptr(99), false)}}, cfg); got[0].Severity != checks.P3 {
		t.Errorf("below min_ref_writes: got %v", got[0].Severity)
	}
}

func TestBytes(t *testing.T) {
	for in, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 100 << 20: "100.0 MiB"} {
		if got := checks.Bytes(in); got != want {
			t.Errorf("checks.Bytes(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestAnalyzeUnlistedAndTemporal(t *testing.T) {
	cfg := New().cfg
	big := FK{Schema: "s", Table: "t", TableBytes: cfg.LargeTableBytes, RefWrites: ptr(1)}
	small := FK{Schema: "s", Table: "u"}
	// 10 in all, 4 of them P2; listed: one P2, one P3.
	got := analyze(Data{FKs: []FK{big, small}, Total: 10, TotalP2: 4}, cfg)
	n := map[checks.Severity]int{}
	for _, f := range got {
		if f.Code != "H003/fk-without-index" {
			t.Errorf("code %s", f.Code)
		}
		n[f.Severity] += f.Weight()
	}
	if len(got) != 4 || n[checks.P2] != 4 || n[checks.P3] != 6 {
		t.Errorf("got %d findings counting %v, want 4 counting P2 4, P3 6", len(got), n)
	}
	if got := analyze(Data{FKs: []FK{big}, Total: 1, TotalP2: 1}, cfg); len(got) != 1 {
		t.Errorf("all listed: %d findings", len(got))
	}
	gist := FK{Schema: "s", Table: "t", Columns: []checks.Name{"tid", "valid_at"}, Period: "valid_at", FixGist: true,
		Fix: "CREATE INDEX CONCURRENTLY ON s.t USING gist (tid, valid_at);"}
	f := analyze(Data{FKs: []FK{gist}, Total: 1}, cfg)[0]
	if !strings.Contains(f.Recommendation, "btree_gist") || !strings.Contains(f.Conclusion, "other than the period `valid_at`") {
		t.Errorf("temporal gist: %s / %s", f.Conclusion, f.Recommendation)
	}
	gist.FixGist, gist.Fix = false, "CREATE INDEX CONCURRENTLY ON s.t (tid);"
	if f := analyze(Data{FKs: []FK{gist}, Total: 1}, cfg)[0]; !strings.Contains(f.Recommendation, "CREATE EXTENSION btree_gist") {
		t.Errorf("temporal btree: %s", f.Recommendation)
	}
}
