package f008

import (
	"math"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func set(name, value, unit string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Unit: checks.Text(unit), BootVal: checks.Text(value), Source: "default"})
}

// defaults is a fresh server of major 14 to 17 (12 and 13 differ in vacuum_cost_page_miss).
func defaults() []pgsettings.Converted {
	return []pgsettings.Converted{
		set("autovacuum", "on", ""), set("autovacuum_max_workers", "3", ""),
		set("autovacuum_vacuum_cost_limit", "-1", ""), set("vacuum_cost_limit", "200", ""),
		set("autovacuum_vacuum_cost_delay", "2", "ms"), set("vacuum_cost_delay", "0", "ms"),
		set("vacuum_cost_page_hit", "1", ""), set("vacuum_cost_page_miss", "2", ""), set("vacuum_cost_page_dirty", "20", ""),
		set("autovacuum_work_mem", "-1", "kB"), set("maintenance_work_mem", "65536", "kB"), set("block_size", "8192", ""),
	}
}

func with(list []pgsettings.Converted, kv ...string) []pgsettings.Converted {
	out := append([]pgsettings.Converted(nil), list...)
	for i := 0; i < len(kv); i += 2 {
		found := false
		for j, s := range out {
			if string(s.Name) == kv[i] {
				r := s.Row
				r.Value = checks.Text(kv[i+1])
				out[j], found = pgsettings.Convert(r), true
			}
		}
		if !found {
			out = append(out, set(kv[i], kv[i+1], ""))
		}
	}
	return out
}

func TestDerive(t *testing.T) {
	cfg := New().cfg
	d := derive(defaults(), 17, checks.HostFacts{}, cfg)
	near := func(got, want float64) bool { return math.Abs(got-want) < 0.1 }
	if d.CostLimit != 200 || d.CostDelayMS != 2 || d.CostPerSec != 100000 || !near(d.ReadMiBps, 390.6) ||
		!near(d.DirtyMiBps, 39.1) || d.WorkerMemBytes != 64<<20 || d.TotalMemBytes != 3*64<<20 || len(d.NeedsHostFacts) != 2 {
		t.Fatalf("defaults: %+v", d)
	}
	// 13: a page miss costs 10.
	d = derive(with(defaults(), "vacuum_cost_page_miss", "10"), 13, checks.HostFacts{CPUs: 8, RAMBytes: 8 << 30}, cfg)
	if !near(d.ReadMiBps, 78.1) || len(d.NeedsHostFacts) != 0 || d.SuggestedWorkers != 3 {
		t.Fatalf("13: %+v", d)
	}
	// The pre-12 delay carried over.
	d = derive(with(defaults(), "autovacuum_vacuum_cost_delay", "20"), 17, checks.HostFacts{CPUs: 16}, cfg)
	if !near(d.DirtyMiBps, 3.9) || d.SuggestedWorkers != 4 {
		t.Fatalf("20ms: %+v", d)
	}
	// -1 falls back to vacuum_cost_delay, which is 0: unthrottled.
	d = derive(with(defaults(), "autovacuum_vacuum_cost_delay", "-1"), 17, checks.HostFacts{}, cfg)
	if !d.Unthrottled || d.DirtyMiBps != 0 {
		t.Fatalf("-1: %+v", d)
	}
	// Explicit autovacuum_work_mem wins; before 17 only 1 GiB counts.
	d = derive(with(defaults(), "autovacuum_work_mem", "2097152"), 16, checks.HostFacts{}, cfg)
	if d.WorkerMemBytes != 1<<30 || !d.WorkerMemCapped {
		t.Fatalf("16 cap: %+v", d)
	}
	d = derive(with(defaults(), "autovacuum_work_mem", "2097152"), 17, checks.HostFacts{}, cfg)
	if d.WorkerMemBytes != 2<<30 || d.WorkerMemCapped {
		t.Fatalf("17 no cap: %+v", d)
	}
	// 18: workers beyond the slots do not run.
	d = derive(with(defaults(), "autovacuum_worker_slots", "4", "autovacuum_max_workers", "6"), 18, checks.HostFacts{}, cfg)
	if d.WorkerSlots != 4 || d.TotalMemBytes != 4*64<<20 {
		t.Fatalf("18 slots: %+v", d)
	}
}

func TestAnalyze(t *testing.T) {
	type sev = map[string]checks.Severity
	const gb = int64(1) << 30
	full := func(c int, ram int64) checks.HostFacts { return checks.HostFacts{CPUs: c, RAMBytes: ram} }
	cases := []struct {
		name string
		list []pgsettings.Converted
		host checks.HostFacts
		want sev
	}{
		{"defaults, no host facts", defaults(), checks.HostFacts{}, sev{"F008/host-facts-missing": checks.Info}},
		{"only CPUs", defaults(), full(4, 0), sev{"F008/host-facts-missing": checks.Info}},
		{"defaults, small host", defaults(), full(4, 4*gb), nil},
		{"one worker, 16 CPUs", with(defaults(), "autovacuum_max_workers", "1"), full(16, 4*gb), sev{"F008/workers-low": checks.P2}},
		{"one worker, no host facts", with(defaults(), "autovacuum_max_workers", "1"), checks.HostFacts{},
			sev{"F008/workers-low": checks.P2, "F008/host-facts-missing": checks.Info}},
		{"default workers, 16 CPUs", defaults(), full(16, 4*gb), sev{"F008/workers-low": checks.P3}},
		{"suggested workers, 16 CPUs", with(defaults(), "autovacuum_max_workers", "4"), full(16, 4*gb), nil},
		{"8 workers on 16 CPUs", with(defaults(), "autovacuum_max_workers", "8"), full(16, 4*gb), nil},
		{"9 workers on 16 CPUs", with(defaults(), "autovacuum_max_workers", "9"), full(16, 4*gb), sev{"F008/workers-high": checks.P3}},
		{"3 workers on 2 CPUs", defaults(), full(2, 4*gb), nil},
		{"workers above slots", with(defaults(), "autovacuum_max_workers", "5", "autovacuum_worker_slots", "4"), full(16, 4*gb),
			sev{"F008/workers-above-slots": checks.P3}},
		{"20ms delay", with(defaults(), "autovacuum_vacuum_cost_delay", "20"), full(4, 4*gb), sev{"F008/vacuum-throttled": checks.P2}},
		{"10ms delay", with(defaults(), "autovacuum_vacuum_cost_delay", "10"), full(4, 4*gb), sev{"F008/vacuum-throttled": checks.P2}},
		{"5ms delay", with(defaults(), "autovacuum_vacuum_cost_delay", "5"), full(4, 4*gb), nil},
		{"20ms with big limit", with(defaults(), "autovacuum_vacuum_cost_delay", "20", "autovacuum_vacuum_cost_limit", "2000"), full(4, 4*gb), nil},
		{"unthrottled", with(defaults(), "autovacuum_vacuum_cost_delay", "0"), full(4, 4*gb), nil},
		{"default mem on 8 GiB", defaults(), full(2, 8*gb), sev{"F008/mem-low": checks.P3}},
		{"128MB on 8 GiB", with(defaults(), "autovacuum_work_mem", "131072"), full(2, 8*gb), nil},
		{"1GB on 64 GiB", with(defaults(), "autovacuum_work_mem", "1048576"), full(16, 64*gb),
			sev{"F008/workers-low": checks.P3}},
		{"1GB x 3 on 12 GiB", with(defaults(), "autovacuum_work_mem", "1048576"), full(2, 12*gb), nil},
		{"1GB x 3 on 11 GiB", with(defaults(), "autovacuum_work_mem", "1048576"), full(2, 11*gb), sev{"F008/mem-high": checks.P2}},
		{"mem high without RAM", with(defaults(), "autovacuum_work_mem", "1048576"), full(2, 0), sev{"F008/host-facts-missing": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := New().cfg
			got := map[string]checks.Severity{}
			for _, f := range analyze(derive(tc.list, 17, tc.host, cfg), cfg) {
				if _, dup := got[f.Code]; dup {
					t.Errorf("duplicate %s", f.Code)
				}
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
