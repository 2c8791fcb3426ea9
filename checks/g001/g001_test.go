package g001

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func set(name, value, unit string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Unit: checks.Text(unit), BootVal: checks.Text(value), Source: "default"})
}

// defaults17 is a fresh PostgreSQL 17 (shared_memory_size as initdb on a small machine).
func defaults17() []pgsettings.Converted {
	return []pgsettings.Converted{
		set("shared_buffers", "16384", "8kB"), set("shared_memory_size", "143", "MB"),
		set("huge_pages", "try", ""), set("huge_pages_status", "off", ""),
		set("work_mem", "4096", "kB"), set("hash_mem_multiplier", "2", ""), set("max_connections", "100", ""),
		set("maintenance_work_mem", "65536", "kB"), set("autovacuum_work_mem", "-1", "kB"),
		set("autovacuum_max_workers", "3", ""), set("temp_buffers", "1024", "8kB"),
		set("effective_cache_size", "524288", "8kB"),
	}
}

func with(list []pgsettings.Converted, kv ...string) []pgsettings.Converted {
	out := append([]pgsettings.Converted(nil), list...)
	for i := 0; i < len(kv); i += 2 {
		for j, s := range out {
			if string(s.Name) == kv[i] {
				r := s.Row
				r.Value = checks.Text(kv[i+1])
				out[j] = pgsettings.Convert(r)
			}
		}
	}
	return out
}

func without(list []pgsettings.Converted, names ...string) []pgsettings.Converted {
	var out []pgsettings.Converted
next:
	for _, s := range list {
		for _, n := range names {
			if string(s.Name) == n {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

const gb = int64(1) << 30

func TestDerive(t *testing.T) {
	cfg := New().cfg
	d := derive(defaults17(), 17, 4*gb, cfg)
	// 143 MiB + 100 × 4 MiB × 3 + (3 × 64 MiB + 64 MiB)
	if d.SharedBytes != 143<<20 || d.PerBackendBytes != 12<<20 || d.MaintenanceBytes != 256<<20 ||
		d.WorstCaseBytes != (143+1200+256)<<20 || d.SharedBuffersPctRAM == nil || *d.SharedBuffersPctRAM != 3.125 {
		t.Fatalf("17: %+v", d)
	}
	// 12: no shared_memory_size, no hash_mem_multiplier: shared_buffers and 2 × work_mem.
	d = derive(without(defaults17(), "shared_memory_size", "hash_mem_multiplier", "huge_pages_status"), 12, 0, cfg)
	if d.SharedBytes != 128<<20 || d.PerBackendBytes != 8<<20 || d.HashMemMultiplier != 1 || d.WorstCasePctRAM != nil ||
		len(d.NeedsHostFacts) != 1 {
		t.Fatalf("12: %+v", d)
	}
	// Autovacuum memory: capped at 1 GiB before 17.
	d = derive(with(defaults17(), "autovacuum_work_mem", "2097152"), 16, 0, cfg)
	if d.MaintenanceBytes != 3*gb+64<<20 {
		t.Fatalf("16: %+v", d)
	}
	d = derive(with(defaults17(), "autovacuum_work_mem", "2097152"), 17, 0, cfg)
	if d.MaintenanceBytes != 6*gb+64<<20 {
		t.Fatalf("17: %+v", d)
	}
}

func TestAnalyze(t *testing.T) {
	type sev = map[string]checks.Severity
	tuned := func(ram string) []pgsettings.Converted { // 25% shared_buffers, 75% effective_cache_size of 16 GiB
		return with(defaults17(), "shared_buffers", "524288", "shared_memory_size", "4200", "effective_cache_size", ram)
	}
	cases := []struct {
		name string
		list []pgsettings.Converted
		ram  int64
		want sev
	}{
		{"defaults, no RAM", defaults17(), 0, sev{"G001/host-facts-missing": checks.Info}},
		{"defaults, 1 GiB", defaults17(), gb, sev{"G001/worst-case-above-ram": checks.P1,
			"G001/shared-buffers-low": checks.P3, "G001/effective-cache-size": checks.P3}},
		{"tuned 16 GiB", tuned("1572864"), 16 * gb, nil},
		{"huge work_mem", with(tuned("1572864"), "work_mem", "1048576"), 16 * gb, sev{"G001/worst-case-above-ram": checks.P1}},
		{"worst case just fits", with(tuned("1572864"), "work_mem", "39936"), 16 * gb, nil}, // 4200 + 100 × 39 × 3 + 256 MiB
		{"worst case just above", with(tuned("1572864"), "work_mem", "40960"), 16 * gb, sev{"G001/worst-case-above-ram": checks.P1}},
		{"shared_buffers 15%", with(tuned("1572864"), "shared_buffers", "314573"), 16 * gb, nil},
		{"shared_buffers below 15%", with(tuned("1572864"), "shared_buffers", "314500"), 16 * gb, sev{"G001/shared-buffers-low": checks.P3}},
		{"shared_buffers 40%", with(tuned("1572864"), "shared_buffers", "838860"), 16 * gb, nil},
		{"shared_buffers above 40%", with(tuned("1572864"), "shared_buffers", "838861"), 16 * gb, sev{"G001/shared-buffers-high": checks.P2}},
		{"effective_cache_size half", tuned("1048576"), 16 * gb, nil},
		{"effective_cache_size low", tuned("1048575"), 16 * gb, sev{"G001/effective-cache-size": checks.P3}},
		{"effective_cache_size = RAM", tuned("2097152"), 16 * gb, nil},
		{"effective_cache_size above RAM", tuned("2097153"), 16 * gb, sev{"G001/effective-cache-size": checks.P3}},
		{"huge pages off, small", with(defaults17(), "huge_pages", "off"), 0, sev{"G001/host-facts-missing": checks.Info}},
		{"huge pages off, 8 GiB shared", with(defaults17(), "huge_pages", "off", "shared_memory_size", "8192"), 0,
			sev{"G001/host-facts-missing": checks.Info, "G001/huge-pages-unused": checks.P3}},
		{"huge pages try, not got", with(defaults17(), "shared_memory_size", "9000"), 0,
			sev{"G001/host-facts-missing": checks.Info, "G001/huge-pages-unused": checks.P3}},
		{"huge pages try, got", with(defaults17(), "shared_memory_size", "9000", "huge_pages_status", "on"), 0,
			sev{"G001/host-facts-missing": checks.Info}},
		{"huge pages try before 17", without(with(defaults17(), "shared_memory_size", "9000"), "huge_pages_status"), 0,
			sev{"G001/host-facts-missing": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := New().cfg
			got := sev{}
			for _, f := range analyze(derive(tc.list, 17, tc.ram, cfg), cfg) {
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, s := range tc.want {
				if got[code] != s {
					t.Errorf("%s: got %v, want %v", code, got[code], s)
				}
			}
		})
	}
}

func TestWorstCaseAdvice(t *testing.T) {
	cfg := New().cfg
	f := analyze(derive(with(defaults17(), "work_mem", "1048576"), 17, 16*gb, cfg), cfg)
	if len(f) == 0 || f[0].Code != "G001/worst-case-above-ram" || !strings.Contains(f[0].Recommendation, "work_mem = '53MB'") {
		t.Fatalf("%+v", f)
	}
	// When shared memory alone is too large, lowering work_mem cannot help.
	f = analyze(derive(with(defaults17(), "shared_memory_size", "20000"), 17, 16*gb, cfg), cfg)
	if len(f) == 0 || !strings.Contains(f[0].Recommendation, "alone exceed") {
		t.Fatalf("%+v", f)
	}
}
