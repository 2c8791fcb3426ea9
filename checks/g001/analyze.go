package g001

import (
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	s := pgsettings.NewIndex(d.Settings)
	if d.RAMBytes > 0 {
		out = append(out, ramFindings(d, cfg)...)
	} else {
		out = append(out, checks.Finding{Code: "G001/host-facts-missing", Severity: checks.Info,
			Conclusion: "Skipped for lack of host facts: " + string(d.NeedsHostFacts[0]) +
				". PostgreSQL cannot report the machine's RAM.",
			Recommendation: "Set it in the config file: `[machine]` with `ram = \"64GB\"` (your value)."})
	}
	if d.SharedBytes >= cfg.HugePagesMinSharedMB<<20 {
		hp := string(s["huge_pages"].Value)
		status, known := s["huge_pages_status"]
		if hp == "off" || (hp == "try" && known && status.Value == "off") {
			what := "`huge_pages` is `off`"
			if hp == "try" {
				what = "`huge_pages` is `try` but `huge_pages_status` is `off`: the server could not get them"
			}
			out = append(out, checks.Finding{Code: "G001/huge-pages-unused", Severity: checks.P3,
				Conclusion: fmt.Sprintf("%s while shared memory is %s. With 4 kB pages every backend maps that memory "+
					"page by page: page tables grow by megabytes per connection and TLB misses cost CPU.", what, checks.Bytes(int64(float64(d.SharedBytes)))),
				Recommendation: "On Linux, reserve huge pages (`vm.nr_hugepages`; PostgreSQL 15+ shows the number needed in " +
					"`shared_memory_size_in_huge_pages`) and set `huge_pages = on` (needs a restart), so the server refuses to " +
					"start rather than silently run without them.",
				Objects: []checks.Name{"huge_pages"}})
		}
	}
	return out
}

func ramFindings(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	ram := float64(d.RAMBytes)
	s := pgsettings.NewIndex(d.Settings)
	if *d.WorstCasePctRAM > cfg.MaxWorstCasePctRAM {
		factor := d.WorkMemNodes - 1 + d.HashMemMultiplier
		left := ram*cfg.MaxWorstCasePctRAM/100 - float64(d.SharedBytes) - float64(d.MaintenanceBytes)
		fix := "Shared memory and maintenance memory alone exceed that: lower `shared_buffers` and `maintenance_work_mem` first."
		if mb := int64(left/float64(max(d.MaxConnections, 1))/factor) >> 20; left > 0 && mb >= 1 {
			fix = fmt.Sprintf("Lower `work_mem` to at most %dMB. %s. Raise it only where needed (`ALTER ROLE <role> SET work_mem = ...`, "+
				"or SET work_mem in a session), and/or lower `max_connections` behind a connection pooler.",
				mb, s["work_mem"].Fix(fmt.Sprintf("'%dMB'", mb)))
		}
		out = append(out, checks.Finding{Code: "G001/worst-case-above-ram", Severity: checks.P1,
			Conclusion: fmt.Sprintf("In the worst case PostgreSQL may need %s, %.0f%% of the host's %s of RAM: shared memory %s + "+
				"`max_connections` %d × `work_mem` %s × %.1f (k = %.0f sort/hash nodes per query, hashes using `hash_mem_multiplier` %.1f) + "+
				"maintenance %s. When many sessions sort or hash at once, the kernel swaps or the OOM killer ends a backend, "+
				"and PostgreSQL then restarts every session.", checks.Bytes(int64(float64(d.WorstCaseBytes))), *d.WorstCasePctRAM, checks.Bytes(int64(ram)),
				checks.Bytes(int64(float64(d.SharedBytes))), d.MaxConnections, checks.Bytes(int64(float64(d.WorkMemBytes))), factor, d.WorkMemNodes,
				d.HashMemMultiplier, checks.Bytes(int64(float64(d.MaintenanceBytes)))),
			Recommendation: fix,
			Objects:        []checks.Name{"work_mem", "max_connections", "shared_buffers", "maintenance_work_mem"}})
	}
	quarter := int64(ram/4) >> 20
	switch sb := *d.SharedBuffersPctRAM; {
	case sb < cfg.MinSharedBuffersPctRAM:
		out = append(out, checks.Finding{Code: "G001/shared-buffers-low", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`shared_buffers` is %s, %.1f%% of the host's %s of RAM (below %.0f%%): most reads go "+
				"through the kernel's page cache, which costs a copy and does not know PostgreSQL's access pattern.",
				checks.Bytes(int64(float64(d.SharedBuffersBytes))), sb, checks.Bytes(int64(ram)), cfg.MinSharedBuffersPctRAM),
			Recommendation: fmt.Sprintf("Raise it to 25%% of RAM. %s, then re-check the worst case above.",
				s["shared_buffers"].Fix(fmt.Sprintf("'%dMB'", quarter))),
			Objects: []checks.Name{"shared_buffers"}})
	case sb > cfg.MaxSharedBuffersPctRAM:
		out = append(out, checks.Finding{Code: "G001/shared-buffers-high", Severity: checks.P2,
			Conclusion: fmt.Sprintf("`shared_buffers` is %s, %.1f%% of the host's %s of RAM (above %.0f%%): little is "+
				"left for connections, maintenance and the page cache (PostgreSQL relies on it for writes and "+
				"double-buffers the same pages), and a large buffer pool makes checkpoints heavier.",
				checks.Bytes(int64(float64(d.SharedBuffersBytes))), sb, checks.Bytes(int64(ram)), cfg.MaxSharedBuffersPctRAM),
			Recommendation: fmt.Sprintf("Lower it to 25%% of RAM unless benchmarks on this workload show the larger value helps. %s.",
				s["shared_buffers"].Fix(fmt.Sprintf("'%dMB'", quarter))),
			Objects: []checks.Name{"shared_buffers"}})
	}
	if ecs := float64(d.EffectiveCacheBytes); ecs > 0 && (ecs > ram || ecs < ram*cfg.MinEffectiveCachePctRAM/100) {
		why := "overstates the cache: the planner expects index pages to be cached and picks index scans that then read from disk."
		if ecs <= ram {
			why = "understates the cache: the planner expects index pages to come from disk and avoids index scans that would be cheap."
		}
		out = append(out, checks.Finding{Code: "G001/effective-cache-size", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`effective_cache_size` is %s on a host with %s of RAM; it %s", checks.Bytes(int64(ecs)), checks.Bytes(int64(ram)), why),
			Recommendation: fmt.Sprintf("Set it to 75%% of RAM (shared buffers plus the page cache; it allocates nothing). %s.",
				s["effective_cache_size"].Fix(fmt.Sprintf("'%dMB'", int64(ram*0.75)>>20))),
			Objects: []checks.Name{"effective_cache_size"}})
	}
	return out
}
