package f008

import (
	"fmt"
	"math"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	out = append(out, workerFindings(d, cfg)...)
	if !d.Unthrottled && d.DirtyMiBps > 0 && d.DirtyMiBps < cfg.MinDirtyMiBps {
		// The limit that would reach the minimum at the current delay, rounded up to 100.
		limit := math.Ceil(d.CostLimit*cfg.MinDirtyMiBps/d.DirtyMiBps/100) * 100
		out = append(out, checks.Finding{Code: "F008/vacuum-throttled", Severity: checks.P2,
			Conclusion: fmt.Sprintf("Autovacuum is throttled to at most %.1f MiB/s of dirtied pages and %.1f MiB/s of reads "+
				"(cost limit %.0f per %.1f ms delay, shared by all workers), below %.0f MiB/s. On a busy database it falls "+
				"behind: tables bloat and anti-wraparound vacuums take long.", d.DirtyMiBps, d.ReadMiBps, d.CostLimit,
				d.CostDelayMS, cfg.MinDirtyMiBps),
			Recommendation: fmt.Sprintf("Use the default delay of PostgreSQL 12 and later, `ALTER SYSTEM SET autovacuum_vacuum_cost_delay = '2ms';`, "+
				"or raise the limit, e.g. `ALTER SYSTEM SET autovacuum_vacuum_cost_limit = %.0f;`, then "+
				"`SELECT pg_catalog.pg_reload_conf();` Watch disk utilization after the change.", limit),
			Objects: []checks.Name{"autovacuum_vacuum_cost_delay", "autovacuum_vacuum_cost_limit"}})
	}
	out = append(out, memFindings(d, cfg)...)
	if len(d.NeedsHostFacts) > 0 {
		out = append(out, checks.Finding{Code: "F008/host-facts-missing", Severity: checks.Info,
			Conclusion: "Skipped for lack of host facts: " + joinLabels(d.NeedsHostFacts) +
				". PostgreSQL cannot report the machine's CPUs and RAM.",
			Recommendation: "Set them in the config file: `[machine]` with `cpus = 16` and `ram = \"64GB\"` (your values)."})
	}
	return out
}

func workerFindings(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	shared := "The cost limit is shared by all running workers, so raise `autovacuum_vacuum_cost_limit` along with them."
	restart := "(needs a restart)"
	if d.WorkerSlots > 0 {
		restart = fmt.Sprintf("(a reload suffices up to `autovacuum_worker_slots` = %d)", d.WorkerSlots)
	}
	switch {
	case d.Workers < cfg.MinWorkers:
		want := max(cfg.MinWorkers, d.SuggestedWorkers)
		out = append(out, checks.Finding{Code: "F008/workers-low", Severity: checks.P2,
			Conclusion: fmt.Sprintf("`autovacuum_max_workers` is %d, below the default of %d: one long vacuum of a large "+
				"table keeps every other table in the cluster waiting for its turn.", d.Workers, cfg.MinWorkers),
			Recommendation: fmt.Sprintf("`ALTER SYSTEM SET autovacuum_max_workers = %d;` %s. %s", want, restart, shared),
			Objects:        []checks.Name{"autovacuum_max_workers"}})
	case d.SuggestedWorkers > 0 && d.Workers < d.SuggestedWorkers:
		out = append(out, checks.Finding{Code: "F008/workers-low", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`autovacuum_max_workers` is %d on a host with %d CPUs: large databases with many busy "+
				"tables may need more parallel workers.", d.Workers, d.CPUs),
			Recommendation: fmt.Sprintf("Consider `ALTER SYSTEM SET autovacuum_max_workers = %d;` %s, if autovacuum "+
				"falls behind (see the dead tuple and wraparound checks). %s", d.SuggestedWorkers, restart, shared),
			Objects: []checks.Name{"autovacuum_max_workers"}})
	case d.CPUs > 0 && d.Workers > cfg.MinWorkers && float64(d.Workers) > float64(d.CPUs)*cfg.MaxWorkersPerCPU:
		out = append(out, checks.Finding{Code: "F008/workers-high", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`autovacuum_max_workers` is %d on a host with %d CPUs: autovacuum alone may occupy "+
				"more than %.0f%% of them. Extra workers do not vacuum faster unless the cost limit grows too.",
				d.Workers, d.CPUs, cfg.MaxWorkersPerCPU*100),
			Recommendation: fmt.Sprintf("`ALTER SYSTEM SET autovacuum_max_workers = %d;` %s.", max(cfg.MinWorkers, d.SuggestedWorkers), restart),
			Objects:        []checks.Name{"autovacuum_max_workers"}})
	}
	if d.WorkerSlots > 0 && d.Workers > d.WorkerSlots {
		out = append(out, checks.Finding{Code: "F008/workers-above-slots", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`autovacuum_max_workers` (%d) exceeds `autovacuum_worker_slots` (%d): only %d workers can run.",
				d.Workers, d.WorkerSlots, d.WorkerSlots),
			Recommendation: fmt.Sprintf("Raise `autovacuum_worker_slots` to at least %d (needs a restart), or lower `autovacuum_max_workers`.", d.Workers),
			Objects:        []checks.Name{"autovacuum_max_workers", "autovacuum_worker_slots"}})
	}
	return out
}

func memFindings(d Data, cfg Config) []checks.Finding {
	if d.RAMBytes <= 0 || d.WorkerMemBytes <= 0 {
		return nil
	}
	ram := float64(d.RAMBytes)
	total := float64(d.TotalMemBytes)
	// The most each worker can get while all stay below the high-water mark, and the
	// low-water mark; both at most 1 GiB, which is plenty (and all that counts before 17).
	workers := float64(max(d.Workers, 1))
	ceiling := int64(math.Min(ram*cfg.MaxMemPctRAM/100/workers, gib)) >> 20
	floor := math.Min(ram*cfg.MinMemPctRAM/100, gib)
	if total > ram*cfg.MaxMemPctRAM/100 {
		return []checks.Finding{{Code: "F008/mem-high", Severity: checks.P2,
			Conclusion: fmt.Sprintf("%d autovacuum worker(s) may use %s each, %s together: %.0f%% of the host's %s of RAM "+
				"(above %.0f%%), on top of shared buffers and queries.", d.Workers, checks.Bytes(int64(float64(d.WorkerMemBytes))),
				checks.Bytes(int64(total)), total/ram*100, checks.Bytes(int64(ram)), cfg.MaxMemPctRAM),
			Recommendation: fmt.Sprintf("`ALTER SYSTEM SET autovacuum_work_mem = '%dMB'; SELECT pg_catalog.pg_reload_conf();` "+
				"(at most %d MiB per worker keeps all of them below %.0f%% of RAM); this leaves `maintenance_work_mem` "+
				"as it is for manual VACUUM and CREATE INDEX.", ceiling, ceiling, cfg.MaxMemPctRAM),
			Objects: []checks.Name{"autovacuum_work_mem", "maintenance_work_mem"}}}
	}
	if float64(d.WorkerMemBytes) < floor && int64(floor)>>20 <= ceiling {
		return []checks.Finding{{Code: "F008/mem-low", Severity: checks.P3,
			Conclusion: fmt.Sprintf("Each autovacuum worker may use %s for dead-tuple IDs on a host with %s of RAM. When a "+
				"large table has more dead tuples than fit, vacuum scans all of its indexes once per filling.",
				checks.Bytes(int64(float64(d.WorkerMemBytes))), checks.Bytes(int64(ram))),
			Recommendation: fmt.Sprintf("`ALTER SYSTEM SET autovacuum_work_mem = '%dMB'; SELECT pg_catalog.pg_reload_conf();`", int64(floor)>>20),
			Objects:        []checks.Name{"autovacuum_work_mem"}}}
	}
	return nil
}

func joinLabels(list []checks.Label) string {
	parts := make([]string, len(list))
	for i, l := range list {
		parts[i] = string(l)
	}
	return strings.Join(parts, "; ")
}

const doc = `Reads the settings that size autovacuum: ` + "`autovacuum_max_workers`" + ` (and
` + "`autovacuum_worker_slots`" + ` on 18+), the cost limit and delay (` + "`-1`" + ` falls back to
` + "`vacuum_cost_limit`/`vacuum_cost_delay`" + `), the page costs, and ` + "`autovacuum_work_mem`" + `
(` + "`-1`" + `: ` + "`maintenance_work_mem`" + ` applies). CPUs and RAM cannot be read with SQL: give them in
the config file (` + "`[machine] cpus = 16`, `ram = \"64GB\"`" + `); without them the verdicts that need them
are skipped and the report says which (` + "`needs_host_facts`" + `, finding ` + "`F008/host-facts-missing`" + `).

**Throughput ceiling.** Cost-based throttling lets autovacuum spend ` + "`cost_limit`" + ` units, then
sleep ` + "`cost_delay`" + `. The limit is shared by all running workers (autovacuum balances it), so:

    cost per second  = cost_limit × 1000 / cost_delay_ms
    max read rate    = cost per second / vacuum_cost_page_miss  × block_size
    max dirty rate   = cost per second / vacuum_cost_page_dirty × block_size

With the defaults (200, 2 ms): 100,000 per second; with ` + "`vacuum_cost_page_miss`" + ` 2 (14+) about
390 MiB/s read (10 before 14: 78 MiB/s) and, with ` + "`vacuum_cost_page_dirty`" + ` 20, about 39 MiB/s
dirtied. The old pre-12 delay of 20 ms, often carried over by upgrades, gives a tenth of that.
These are ceilings: the work itself takes time too. Tables with their own cost options are
not balanced and not covered here.

- **P2** ` + "`F008/workers-low`" + `: fewer workers than ` + "`min_workers`" + ` (3, the PostgreSQL default;
  no host facts needed). **P3** with CPUs known: fewer than max(` + "`min_workers`" + `, CPUs ×
  ` + "`workers_per_cpu`" + ` (0.25)), pgcheckup's rule of thumb for busy databases.
- **P3** ` + "`F008/workers-high`" + `: more than CPUs × ` + "`max_workers_per_cpu`" + ` (0.5) and above 3.
- **P3** ` + "`F008/workers-above-slots`" + ` (18+): ` + "`autovacuum_max_workers`" + ` above ` + "`autovacuum_worker_slots`" + `.
- **P2** ` + "`F008/vacuum-throttled`" + `: the dirty-rate ceiling is below ` + "`min_dirty_mib_per_sec`" + ` (8).
- **P2** ` + "`F008/mem-high`" + ` (needs RAM): workers × per-worker memory above ` + "`max_mem_pct_ram`" + `
  (25%) of RAM. Before 17 a vacuum uses at most 1 GiB for dead-tuple IDs, so more is not counted.
- **P3** ` + "`F008/mem-low`" + ` (needs RAM): per-worker memory below ` + "`min_mem_pct_ram`" + ` (1.5%) of
  RAM, capped at 1 GiB (the default 64 MiB is enough up to about 4 GiB of RAM; about
  120 MiB at 8 GiB, 1 GiB at 64 GiB). Too little memory makes vacuum scan every index of a
  large table several times.`
