// Package f008 judges the resources autovacuum may use: workers against CPUs, the cost
// limit and delay as a throughput ceiling, and its memory against RAM.
package f008

import (
	"context"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var settingsSQL = pgsettings.SQL("F008")

// names are the settings F008 reads, in report order. autovacuum_worker_slots exists
// from 18 on.
var names = []string{
	"autovacuum", "autovacuum_max_workers", "autovacuum_worker_slots",
	"autovacuum_vacuum_cost_limit", "vacuum_cost_limit", "autovacuum_vacuum_cost_delay", "vacuum_cost_delay",
	"vacuum_cost_page_hit", "vacuum_cost_page_miss", "vacuum_cost_page_dirty",
	"autovacuum_work_mem", "maintenance_work_mem", "block_size",
}

// Check is F008.
type Check struct{ cfg Config }

// Config holds F008's thresholds.
type Config struct {
	// MinWorkers: fewer workers than this (the PostgreSQL default, 3) is P2.
	MinWorkers int `toml:"min_workers"`
	// WorkersPerCPU sizes the suggested worker count: max(min_workers, CPUs × this).
	WorkersPerCPU float64 `toml:"workers_per_cpu"`
	// MaxWorkersPerCPU: more workers than CPUs × this is P3.
	MaxWorkersPerCPU float64 `toml:"max_workers_per_cpu"`
	// MinDirtyMiBps: a ceiling on the rate at which autovacuum may dirty pages below this
	// (MiB/s, all workers together) is P2.
	MinDirtyMiBps float64 `toml:"min_dirty_mib_per_sec"`
	// MaxMemPctRAM: all workers' memory above this share of RAM (percent) is P2.
	MaxMemPctRAM float64 `toml:"max_mem_pct_ram"`
	// MinMemPctRAM: per-worker memory below this share of RAM (percent, capped at 1 GiB)
	// is P3.
	MinMemPctRAM float64 `toml:"min_mem_pct_ram"`
}

// New returns F008 with its defaults.
func New() *Check {
	return &Check{cfg: Config{MinWorkers: 3, WorkersPerCPU: 0.25, MaxWorkersPerCPU: 0.5, MinDirtyMiBps: 8,
		MaxMemPctRAM: 25, MinMemPctRAM: 1.5}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "F008", Title: "Autovacuum resources", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}}
}

// Data is what F008 reports. Everything after Settings is derived from them and the
// host facts.
type Data struct {
	Settings []pgsettings.Converted `json:"settings"`
	Major    int                    `json:"major"`
	CPUs     int                    `json:"cpus,omitempty"`
	RAMBytes int64                  `json:"ram_bytes,omitempty"`
	// NeedsHostFacts names the verdicts skipped because a host fact was not given.
	NeedsHostFacts []checks.Label `json:"needs_host_facts,omitempty"`

	Workers     int `json:"workers"`
	WorkerSlots int `json:"worker_slots,omitempty"` // 18+

	CostLimit   float64 `json:"cost_limit"`    // effective: -1 falls back to vacuum_cost_limit
	CostDelayMS float64 `json:"cost_delay_ms"` // effective: -1 falls back to vacuum_cost_delay
	Unthrottled bool    `json:"unthrottled"`   // delay 0: no cost-based throttling
	// CostPerSec is the cost budget per second shared by all workers; the rates are the
	// ceilings it allows when every page is read from outside shared buffers (ReadMiBps)
	// or dirtied (DirtyMiBps). Zero when unthrottled.
	CostPerSec float64 `json:"cost_per_sec,omitempty"`
	ReadMiBps  float64 `json:"read_mib_per_sec,omitempty"`
	DirtyMiBps float64 `json:"dirty_mib_per_sec,omitempty"`

	WorkerMemBytes int64 `json:"worker_mem_bytes"` // per worker: autovacuum_work_mem, or maintenance_work_mem
	// WorkerMemCapped: before 17 a vacuum keeps at most 1 GiB of dead-tuple IDs, so
	// WorkerMemBytes is capped there.
	WorkerMemCapped bool  `json:"worker_mem_capped,omitempty"`
	TotalMemBytes   int64 `json:"total_mem_bytes"` // workers × per worker
	// TotalMemPctRAM is TotalMemBytes as a percentage of RAM (needs RAM).
	TotalMemPctRAM float64 `json:"total_mem_pct_ram,omitempty"`

	SuggestedWorkers int `json:"suggested_workers,omitempty"` // needs CPUs
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	list, err := pgsettings.ReadConverted(ctx, t.DB, settingsSQL, names)
	if err != nil {
		return nil, err
	}
	d := derive(list, t.Node.VersionNum/10000, t.Host, c.cfg)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

const gib = 1 << 30

// derive computes the effective values and ceilings from the settings.
func derive(list []pgsettings.Converted, major int, host checks.HostFacts, cfg Config) Data {
	s := pgsettings.NewIndex(list)
	d := Data{Settings: list, Major: major, CPUs: host.CPUs, RAMBytes: host.RAMBytes}
	if host.CPUs <= 0 {
		d.NeedsHostFacts = append(d.NeedsHostFacts, "cpus: autovacuum_max_workers against the CPU count")
	}
	if host.RAMBytes <= 0 {
		d.NeedsHostFacts = append(d.NeedsHostFacts, "ram: autovacuum memory against RAM")
	}
	w, _ := s.Float("autovacuum_max_workers")
	d.Workers = int(w)
	if v, ok := s.Float("autovacuum_worker_slots"); ok {
		d.WorkerSlots = int(v)
	}
	if host.CPUs > 0 {
		d.SuggestedWorkers = max(cfg.MinWorkers, int(math.Round(float64(host.CPUs)*cfg.WorkersPerCPU)))
	}

	d.CostLimit, _ = s.Float("autovacuum_vacuum_cost_limit")
	if d.CostLimit < 0 {
		d.CostLimit, _ = s.Float("vacuum_cost_limit")
	}
	d.CostDelayMS, _ = s.Float("autovacuum_vacuum_cost_delay")
	if d.CostDelayMS < 0 {
		d.CostDelayMS, _ = s.Float("vacuum_cost_delay")
	}
	d.Unthrottled = d.CostDelayMS <= 0
	block, _ := s.Float("block_size")
	miss, _ := s.Float("vacuum_cost_page_miss")
	dirty, _ := s.Float("vacuum_cost_page_dirty")
	if !d.Unthrottled && d.CostLimit > 0 && block > 0 {
		d.CostPerSec = d.CostLimit * 1000 / d.CostDelayMS
		if miss > 0 {
			d.ReadMiBps = d.CostPerSec / miss * block / (1 << 20)
		}
		if dirty > 0 {
			d.DirtyMiBps = d.CostPerSec / dirty * block / (1 << 20)
		}
	}

	mem, ok := s["autovacuum_work_mem"].Bytes()
	if !ok { // -1: maintenance_work_mem applies
		mem, _ = s["maintenance_work_mem"].Bytes()
	}
	if major > 0 && major < 17 && mem > gib {
		mem, d.WorkerMemCapped = gib, true
	}
	d.WorkerMemBytes = mem
	workers := d.Workers
	if d.WorkerSlots > 0 && workers > d.WorkerSlots {
		workers = d.WorkerSlots
	}
	d.TotalMemBytes = int64(workers) * mem
	if host.RAMBytes > 0 {
		d.TotalMemPctRAM = float64(d.TotalMemBytes) / float64(host.RAMBytes) * 100
	}
	return d
}
