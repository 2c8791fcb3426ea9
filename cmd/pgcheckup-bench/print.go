package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// stats is the median, min and max of durations.
func stats(ds []time.Duration) (med, lo, hi time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[0], s[len(s)-1]
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func mb(kb int64) string { return fmt.Sprintf("%.0f MB", float64(kb)/1024) }

func walls(rs []runResult) []time.Duration {
	out := make([]time.Duration, len(rs))
	for i, r := range rs {
		out[i] = r.Wall
	}
	return out
}

// maxOf is the largest f over the runs: memory and temporary files are reported at
// their worst.
func maxOf(rs []runResult, f func(runResult) int64) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, f(r))
	}
	return m
}

// medianRun is the run whose wall time is the median: its checks are the ones listed.
func medianRun(rs []runResult) runResult {
	med, _, _ := stats(walls(rs))
	for _, r := range rs {
		if r.Wall == med {
			return r
		}
	}
	return rs[0]
}

// counted sums Weight over the findings with these codes: what the summary and --fail-on
// count.
func counted(rep *report.Report, codes ...string) int {
	n := 0
	for _, c := range rep.Checks {
		for _, f := range c.Findings {
			if slices.Contains(codes, f.Code) {
				n += f.Weight()
			}
		}
	}
	return n
}

func printSize(w io.Writer, r sizeResult) {
	med, lo, hi := stats(walls(r.Runs))
	fmed, flo, fhi := stats(r.Floors)
	fmt.Fprintf(w, "\n== %s tables (PostgreSQL %s; pg_class %s rows, pg_attribute %s rows)\n",
		checks.Thousands(int64(r.Tables)), r.Version, checks.Thousands(r.ClassRows), checks.Thousands(r.AttrRows))
	if r.BuildTime > 0 {
		fmt.Fprintf(w, "catalog built in %s (kept for the next run)\n", secs(r.BuildTime))
	}
	fmt.Fprintf(w, "pgcheckup wall        %s median (%s–%s) over %d runs\n", secs(med), secs(lo), secs(hi), len(r.Runs))
	fmt.Fprintf(w, "catalog floor wall    %s median (%s–%s): %s rows of %s\n", secs(fmed), secs(flo), secs(fhi),
		checks.Thousands(r.FloorRows), strings.Join(floorCatalogs, ", "))
	fmt.Fprintf(w, "ratio pgcheckup/floor %.2f×\n", med.Seconds()/fmed.Seconds())
	fmt.Fprintf(w, "client peak RSS       %s (ru_maxrss of the pgcheckup process, worst run)\n",
		mb(maxOf(r.Runs, func(x runResult) int64 { return x.ClientKB })))
	fmt.Fprintf(w, "server backend peak   %s RssAnon of one backend, %s summed over its backends (private memory, sampled every 20 ms; shared_buffers not counted; worst run)\n",
		mb(maxOf(r.Runs, func(x runResult) int64 { return x.BackendKB })), mb(maxOf(r.Runs, func(x runResult) int64 { return x.BackendsKB })))
	fmt.Fprintf(w, "temporary files       %.1f MiB in %d files (pg_stat_database delta over all databases, worst run)\n",
		float64(maxOf(r.Runs, func(x runResult) int64 { return x.TempBytes }))/(1<<20),
		maxOf(r.Runs, func(x runResult) int64 { return x.TempFiles }))
	fmt.Fprintf(w, "statements            %d, connections %d (server log lines of application_name pgcheckup, worst run)\n",
		maxOf(r.Runs, func(x runResult) int64 { return int64(x.Statements) }),
		maxOf(r.Runs, func(x runResult) int64 { return int64(x.Connections) }))
	mr := medianRun(r.Runs)
	fmt.Fprintf(w, "slowest checks        %s (median run)\n", strings.Join(slowest(mr.Report, 5), ", "))
	inChecks := checksTime(mr.Report)
	fmt.Fprintf(w, "time in checks        %s of the run's %s; the rest is starting, connecting and writing the report\n",
		secs(inChecks), secs(mr.Wall))
	if errs := failed(mr.Report); len(errs) > 0 {
		fmt.Fprintf(w, "checks in error       %s\n", strings.Join(errs, "; "))
	}
	t := r.Truth
	fmt.Fprintf(w, "counted / planted     H003 fk-without-index %s / %s; H004 redundant+duplicate %s / %s; L003 near-max int4 %s / %s\n",
		checks.Thousands(int64(counted(mr.Report, "H003/fk-without-index"))), checks.Thousands(int64(t.FKWithoutIndex)),
		checks.Thousands(int64(counted(mr.Report, "H004/redundant-index", "H004/duplicate-index"))),
		checks.Thousands(int64(t.RedundantIndexes+t.DuplicateIndexes)),
		checks.Thousands(int64(counted(mr.Report, "L003/integer-capacity"))), checks.Thousands(int64(t.NearMaxSequences)))
}

// slowest are the n checks that took longest, summed over nodes.
func slowest(rep *report.Report, n int) []string {
	type cd struct {
		id string
		ms float64
	}
	var all []cd
	for _, c := range rep.Checks {
		var ms float64
		for _, r := range c.Results {
			ms += r.DurationMS
		}
		all = append(all, cd{c.ID, ms})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ms > all[j].ms })
	var out []string
	for _, c := range all[:min(n, len(all))] {
		out = append(out, fmt.Sprintf("%s %.2f s", c.id, c.ms/1000))
	}
	return out
}

// checksTime is the sum of every check's duration on every node (checks run one after
// the other on a node).
func checksTime(rep *report.Report) time.Duration {
	var ms float64
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			ms += r.DurationMS
		}
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// failed lists the checks that ended in error, with the reason.
func failed(rep *report.Report) []string {
	var out []string
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			if r.Status == checks.StatusError {
				out = append(out, c.ID+": "+r.Reason)
			}
		}
	}
	return out
}

// printSummary prints one Markdown table of all sizes (for docs/benchmarks.md) and the
// growth between the two largest.
func printSummary(w io.Writer, rs []sizeResult) {
	fmt.Fprintln(w, "\n| tables | pgcheckup | floor | ratio | client RSS | backend RssAnon | temp files | statements | connections |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		med, lo, hi := stats(walls(r.Runs))
		fmed, _, _ := stats(r.Floors)
		fmt.Fprintf(w, "| %s | %.1f s (%.1f–%.1f) | %.2f s | %.2f× | %s | %s | %.1f MiB / %d | %d | %d |\n",
			checks.Thousands(int64(r.Tables)), med.Seconds(), lo.Seconds(), hi.Seconds(), fmed.Seconds(),
			med.Seconds()/fmed.Seconds(),
			mb(maxOf(r.Runs, func(x runResult) int64 { return x.ClientKB })),
			mb(maxOf(r.Runs, func(x runResult) int64 { return x.BackendKB })),
			float64(maxOf(r.Runs, func(x runResult) int64 { return x.TempBytes }))/(1<<20),
			maxOf(r.Runs, func(x runResult) int64 { return x.TempFiles }),
			maxOf(r.Runs, func(x runResult) int64 { return int64(x.Statements) }),
			maxOf(r.Runs, func(x runResult) int64 { return int64(x.Connections) }))
	}
	if len(rs) >= 2 {
		a, b := rs[len(rs)-2], rs[len(rs)-1]
		ma, _, _ := stats(walls(a.Runs))
		mb, _, _ := stats(walls(b.Runs))
		tr, ttr := mb.Seconds()/ma.Seconds(), float64(b.Tables)/float64(a.Tables)
		verdict := "at most linear"
		if tr > ttr {
			verdict = "MORE than linear"
		}
		fmt.Fprintf(w, "\ngrowth %s → %s tables: time ×%.2f for ×%.2f tables (%s)\n",
			checks.Thousands(int64(a.Tables)), checks.Thousands(int64(b.Tables)), tr, ttr, verdict)
	}
}
