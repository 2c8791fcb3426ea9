// Package g001 judges the memory settings against the host's RAM: shared_buffers, the
// worst case of work_mem over all connections plus maintenance memory, effective_cache_size
// and huge pages.
package g001

import (
	"context"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var settingsSQL = pgsettings.SQL("G001")

// names are the settings G001 reads, in report order. shared_memory_size and
// shared_memory_size_in_huge_pages exist from 15, huge_page_size from 14,
// hash_mem_multiplier from 13, huge_pages_status from 17.
var names = []string{
	"shared_buffers", "shared_memory_size", "huge_pages", "huge_pages_status", "huge_page_size",
	"shared_memory_size_in_huge_pages", "work_mem", "hash_mem_multiplier", "max_connections",
	"maintenance_work_mem", "autovacuum_work_mem", "autovacuum_max_workers", "temp_buffers",
	"effective_cache_size",
}

// Check is G001.
type Check struct{ cfg Config }

// Config holds G001's thresholds.
type Config struct {
	// WorkMemNodes is k in the worst case: how many work_mem-sized sort or hash nodes one
	// query may run at once (one of them counted as a hash, see the doc).
	WorkMemNodes float64 `toml:"work_mem_nodes"`
	// MaxWorstCasePctRAM: the worst case above this share of RAM (percent) is P1.
	MaxWorstCasePctRAM float64 `toml:"max_worst_case_pct_ram"`
	// shared_buffers below MinSharedBuffersPctRAM of RAM is P3, above Max... P2.
	MinSharedBuffersPctRAM float64 `toml:"min_shared_buffers_pct_ram"`
	MaxSharedBuffersPctRAM float64 `toml:"max_shared_buffers_pct_ram"`
	// effective_cache_size below MinEffectiveCachePctRAM of RAM, or above RAM, is P3.
	MinEffectiveCachePctRAM float64 `toml:"min_effective_cache_pct_ram"`
	// HugePagesMinSharedMB: from this much shared memory (MiB) on, huge pages not in use
	// is P3.
	HugePagesMinSharedMB int64 `toml:"huge_pages_min_shared_mb"`
}

// New returns G001 with its defaults.
func New() *Check {
	return &Check{cfg: Config{WorkMemNodes: 2, MaxWorstCasePctRAM: 100, MinSharedBuffersPctRAM: 15,
		MaxSharedBuffersPctRAM: 40, MinEffectiveCachePctRAM: 50, HugePagesMinSharedMB: 8192}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "G001", Title: "Memory settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}}
}

// Data is what G001 reports. Everything after Settings is derived from them, the
// configuration and the host's RAM.
type Data struct {
	Settings []pgsettings.Converted `json:"settings"`
	Major    int                    `json:"major"`
	RAMBytes int64                  `json:"ram_bytes,omitempty"`
	// NeedsHostFacts names the verdicts skipped because a host fact was not given.
	NeedsHostFacts []checks.Label `json:"needs_host_facts,omitempty"`

	SharedBuffersBytes int64 `json:"shared_buffers_bytes"`
	// SharedBytes is shared_memory_size (15+: buffers, WAL buffers, lock tables...), else
	// shared_buffers.
	SharedBytes       int64   `json:"shared_bytes"`
	WorkMemBytes      int64   `json:"work_mem_bytes"`
	HashMemMultiplier float64 `json:"hash_mem_multiplier"` // 1 before 13
	WorkMemNodes      float64 `json:"work_mem_nodes"`      // k
	MaxConnections    int64   `json:"max_connections"`
	// PerBackendBytes = work_mem × (k − 1 + hash_mem_multiplier).
	PerBackendBytes  int64 `json:"per_backend_bytes"`
	ConnectionsBytes int64 `json:"connections_bytes"` // MaxConnections × PerBackendBytes
	// MaintenanceBytes = autovacuum_max_workers × autovacuum memory + maintenance_work_mem.
	MaintenanceBytes int64 `json:"maintenance_bytes"`
	// WorstCaseBytes = SharedBytes + MaxConnections × PerBackendBytes + MaintenanceBytes.
	WorstCaseBytes      int64    `json:"worst_case_bytes"`
	WorstCasePctRAM     *float64 `json:"worst_case_pct_ram,omitempty"`
	SharedBuffersPctRAM *float64 `json:"shared_buffers_pct_ram,omitempty"`
	EffectiveCacheBytes int64    `json:"effective_cache_bytes"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	list, err := pgsettings.ReadConverted(ctx, t.DB, settingsSQL, names)
	if err != nil {
		return nil, err
	}
	d := derive(list, t.Node.VersionNum/10000, t.Host.RAMBytes, c.cfg)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

const gib = 1 << 30

func derive(list []pgsettings.Converted, major int, ram int64, cfg Config) Data {
	s := pgsettings.NewIndex(list)
	d := Data{Settings: list, Major: major, WorkMemNodes: max(cfg.WorkMemNodes, 1), HashMemMultiplier: 1}
	if ram > 0 {
		d.RAMBytes = ram
	} else {
		d.NeedsHostFacts = []checks.Label{"ram: worst-case memory, shared_buffers and effective_cache_size against RAM"}
	}
	d.SharedBuffersBytes, _ = s["shared_buffers"].Bytes()
	d.SharedBytes = d.SharedBuffersBytes
	if v, ok := s["shared_memory_size"].Bytes(); ok && v > 0 {
		d.SharedBytes = v
	}
	d.WorkMemBytes, _ = s["work_mem"].Bytes()
	if v, ok := s.Float("hash_mem_multiplier"); ok && v > 1 {
		d.HashMemMultiplier = v
	}
	if v, ok := s.Float("max_connections"); ok {
		d.MaxConnections = int64(v)
	}
	d.PerBackendBytes = int64(float64(d.WorkMemBytes) * (d.WorkMemNodes - 1 + d.HashMemMultiplier))

	maint, _ := s["maintenance_work_mem"].Bytes()
	av, ok := s["autovacuum_work_mem"].Bytes()
	if !ok { // -1: maintenance_work_mem
		av = maint
	}
	if major > 0 && major < 17 && av > gib { // dead-tuple storage is capped at 1 GiB before 17
		av = gib
	}
	workers, _ := s.Float("autovacuum_max_workers")
	d.MaintenanceBytes = int64(workers)*av + maint
	d.ConnectionsBytes = d.MaxConnections * d.PerBackendBytes
	d.WorstCaseBytes = d.SharedBytes + d.ConnectionsBytes + d.MaintenanceBytes
	d.EffectiveCacheBytes, _ = s["effective_cache_size"].Bytes()
	if ram > 0 {
		w := float64(d.WorstCaseBytes) / float64(ram) * 100
		sb := float64(d.SharedBuffersBytes) / float64(ram) * 100
		d.WorstCasePctRAM, d.SharedBuffersPctRAM = &w, &sb
	}
	return d
}

const doc = `Reads the memory settings from ` + "`pg_settings`" + ` and judges them against the host's RAM,
which SQL cannot read: give it in the config file (` + "`[machine] ram = \"64GB\"`" + `). Without it the
RAM verdicts are skipped and the report says so (` + "`needs_host_facts`" + `, finding
` + "`G001/host-facts-missing`" + `).

**Worst case** (P1 above ` + "`max_worst_case_pct_ram`" + `, default 100% of RAM):

    shared memory
    + max_connections × work_mem × (k − 1 + hash_mem_multiplier)
    + autovacuum_max_workers × (autovacuum_work_mem, or maintenance_work_mem if -1)
    + maintenance_work_mem

Shared memory is ` + "`shared_memory_size`" + ` on 15+ (buffers, WAL buffers, lock tables), else
` + "`shared_buffers`" + `. k (` + "`work_mem_nodes`" + `, default 2) is how many sort or hash nodes one query
runs at once, each allowed ` + "`work_mem`" + `; one of them is counted as a hash, which may use
` + "`hash_mem_multiplier`" + ` × ` + "`work_mem`" + ` (13+; default 2.0 from 15, 1.0 before). With the defaults
of 15+ that is 3 × ` + "`work_mem`" + ` per connection. Autovacuum memory counts at most 1 GiB per worker
before 17 (the dead-tuple limit), and the last term is one manual VACUUM or CREATE INDEX. Not
counted: ` + "`temp_buffers`" + ` (only sessions using temporary tables), parallel workers (each has its
own ` + "`work_mem`" + `), the backends' own memory (a few MB each, more with large catalogs), and the
kernel. The worst case is rare, but it is what the OOM killer meets when a burst of
connections runs big sorts at once.

- **P3** ` + "`shared_buffers`" + ` below ` + "`min_shared_buffers_pct_ram`" + ` (15%) of RAM: reads depend on the
  page cache. **P2** above ` + "`max_shared_buffers_pct_ram`" + ` (40%): little left for sessions,
  maintenance and the page cache, and heavier checkpoints; the usual advice is 25%.
- **P3** ` + "`effective_cache_size`" + ` above RAM, or below ` + "`min_effective_cache_pct_ram`" + ` (50%) of it
  (the usual advice is 50-75%); it only steers the planner, nothing is allocated.
- **P3** huge pages not in use (` + "`huge_pages = off`" + `, or ` + "`try`" + ` with ` + "`huge_pages_status = off`" + `
  on 17+) while shared memory is at least ` + "`huge_pages_min_shared_mb`" + ` (8192). Before 17 the
  outcome of ` + "`try`" + ` cannot be seen from SQL.

Values are those of pgcheckup's session (a per-database or per-role value for the connected
role shows with its source). Per-role and per-database settings of other roles (A007 lists
them) can give some sessions more ` + "`work_mem`" + ` than this estimate counts.`
