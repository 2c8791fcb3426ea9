package a004

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func db(name string, s Stats) Database {
	s.ratios()
	age := 86400.0
	return Database{Name: checks.Name(name), Stats: s, StatsAgeSeconds: &age}
}

func ptr[T any](v T) *T { return &v }

func TestAnalyze(t *testing.T) {
	cfg := New().cfg
	cases := []struct {
		name string
		dbs  []Database
		want map[string]checks.Severity
	}{
		{"quiet", []Database{db("a", Stats{BlksHit: 10, BlksRead: 90, Commits: 1, Rollbacks: 9})}, nil},
		{"cache hit at threshold", []Database{db("a", Stats{BlksHit: 950_000, BlksRead: 50_000})}, nil},
		{"cache hit below", []Database{db("a", Stats{BlksHit: 949_999, BlksRead: 50_001})},
			map[string]checks.Severity{"A004/low-cache-hit": checks.P3}},
		{"cache hit below, too few blocks", []Database{db("a", Stats{BlksHit: 949_999, BlksRead: 50_000})}, nil},
		{"commit at threshold", []Database{db("a", Stats{Commits: 9_000, Rollbacks: 1_000})}, nil},
		{"commit below", []Database{db("a", Stats{Commits: 8_999, Rollbacks: 1_001})},
			map[string]checks.Severity{"A004/low-commit-ratio": checks.P3}},
		{"commit below, too few", []Database{db("a", Stats{Commits: 8_999, Rollbacks: 1_000})}, nil},
		{"one deadlock", []Database{db("a", Stats{Deadlocks: 1})}, map[string]checks.Severity{"A004/deadlocks": checks.P3}},
		{"temp just below", []Database{db("a", Stats{TempFiles: 3, TempBytes: 1<<30 - 1})}, nil},
		{"temp at threshold", []Database{db("a", Stats{TempFiles: 3, TempBytes: 1 << 30})},
			map[string]checks.Severity{"A004/temp-files": checks.Info}},
		{"checksums off", []Database{db("a", Stats{})}, nil},
		{"checksums on, none", []Database{db("a", Stats{ChecksumFailures: ptr(int64(0))})}, nil},
		{"checksum failure", []Database{db("a", Stats{ChecksumFailures: ptr(int64(2))})},
			map[string]checks.Severity{"A004/checksum-failures": checks.P2}},
		{"everything, two databases", []Database{
			db("a", Stats{BlksHit: 1, BlksRead: 2_000_000, Deadlocks: 3}),
			db("b", Stats{Commits: 1, Rollbacks: 20_000, TempBytes: 2 << 30, ChecksumFailures: ptr(int64(1))})},
			map[string]checks.Severity{"A004/low-cache-hit": checks.P3, "A004/deadlocks": checks.P3,
				"A004/low-commit-ratio": checks.P3, "A004/temp-files": checks.Info, "A004/checksum-failures": checks.P2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(Data{Databases: tc.dbs}, cfg) {
				got[f.Code] = f.Severity
				if len(f.Objects) != 1 {
					t.Errorf("%s: objects %v", f.Code, f.Objects)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, sev := range tc.want {
				if got[code] != sev {
					t.Errorf("%s: got %v, want %v", code, got[code], sev)
				}
			}
		})
	}
}

func TestConfigurable(t *testing.T) {
	cfg := New().cfg
	cfg.CacheHitMinPct, cfg.CacheHitMinBlocks, cfg.DeadlocksMin = 99, 10, 5
	fs := analyze(Data{Databases: []Database{db("a", Stats{BlksHit: 98, BlksRead: 2, Deadlocks: 4})}}, cfg)
	if len(fs) != 1 || fs[0].Code != "A004/low-cache-hit" {
		t.Fatalf("got %+v", fs)
	}
}

func TestTotals(t *testing.T) {
	var total Stats
	total.add(Stats{BlksHit: 90, BlksRead: 10, Commits: 3, Rollbacks: 1})
	total.add(Stats{BlksHit: 0, BlksRead: 100, Commits: 1, ChecksumFailures: ptr(int64(2))})
	total.add(Stats{ChecksumFailures: ptr(int64(1))})
	total.ratios()
	if *total.CacheHitPct != 45 || *total.CommitPct != 80 || *total.ChecksumFailures != 3 {
		t.Fatalf("%+v", total)
	}
	var empty Stats
	empty.ratios()
	if empty.CacheHitPct != nil || empty.CommitPct != nil || empty.ChecksumFailures != nil {
		t.Fatalf("empty: %+v", empty)
	}
}

func TestFormat(t *testing.T) {
	for sec, want := range map[float64]string{5: "5s", 125: "2m 5s", 7260: "2h 1m", 90000: "1d 1h"} {
		if got := age(sec); got != want {
			t.Errorf("age(%v) = %q, want %q", sec, got, want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
	for b, want := range map[int64]string{512: "512 B", 1536: "1.5 KiB", 1 << 30: "1.0 GiB"} {
		if got := checks.Bytes(b); got != want {
			t.Errorf("checks.Bytes(%d) = %q, want %q", b, got, want)
		}
	}
}
