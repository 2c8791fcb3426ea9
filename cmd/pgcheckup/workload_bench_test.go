package main

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// BenchmarkWorkloadChecks measures what the workload checks add to a run on a server whose
// pg_stat_statements holds 5,000 entries with texts of 2-5 kB: a run of A002 alone
// against one of A002 and every workload check (a snapshot, the delta against the
// previous run's kept snapshot, the texts fetched once). Compare the two sub-benchmarks'
// ns/op and B/op. `make bench-go` runs it.
func BenchmarkWorkloadChecks(b *testing.B) {
	cl := pgtest.ForTest(b, pgtest.Options{Settings: map[string]string{"pg_stat_statements.max": "10000"}})
	cl.MustExec(b, "postgres", "CREATE EXTENSION pg_stat_statements")
	pad := "/* " + strings.Repeat("long text to make the query-text file large ", 45) + "*/"
	var batch strings.Builder
	for i := range 5000 {
		cols, conds := 1+i%100, 1+i/100
		batch.WriteString("SELECT " + pad)
		for c := range cols {
			if c > 0 {
				batch.WriteString(", ")
			}
			fmt.Fprintf(&batch, "relname AS column_%d", c)
		}
		batch.WriteString(" FROM pg_catalog.pg_class WHERE relpages >= 0")
		for c := range conds {
			fmt.Fprintf(&batch, " AND relpages > -%d", c+1)
		}
		batch.WriteString(" LIMIT 1;\n")
		if i%250 == 249 {
			cl.MustExec(b, "postgres", batch.String())
			batch.Reset()
		}
	}
	// The client's peak memory is read from a child process (ru_maxrss): allocation
	// counts (B/op) add up everything allocated, not what is held at once.
	bin := b.TempDir() + "/pgcheckup"
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v: %s", err, out)
	}
	for _, bc := range []struct{ name, checks string }{
		{"A002 alone", "A002"},
		{"A002 and the workload checks", "A002,K001,K002,K003,K004,K005,K006,K007,K008,M001,M002,M003,N001"},
	} {
		out := b.TempDir()
		b.Run(bc.name, func(b *testing.B) {
			var peak int64
			for b.Loop() {
				cmd := exec.Command(bin, "run", "-q", "--out", out, "--format", "json", "--checks", bc.checks, cl.ConnString("postgres"))
				if msg, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %s", err, msg)
				}
				peak = max(peak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
		})
	}
}
