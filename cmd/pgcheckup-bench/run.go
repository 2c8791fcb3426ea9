package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/report"
)

// runResult is one pgcheckup run.
type runResult struct {
	Wall        time.Duration
	ClientKB    int64 // peak RSS of the pgcheckup process (rusage ru_maxrss)
	BackendKB   int64 // largest RssAnon of one of its server processes
	BackendsKB  int64 // largest sum of RssAnon over its server processes at one instant
	TempBytes   int64
	TempFiles   int64
	Statements  int
	Connections int
	// ClientCPU is the pgcheckup process's user and system time; ServerCPU that of
	// the servers it checked (see serverCPU), summed over the nodes.
	ClientCPU, ServerCPU time.Duration
	Report               *report.Report
}

// bench holds what every run on one cluster needs.
type bench struct {
	bin        string // the pgcheckup binary
	connString string
	logFile    string
	postmaster int
	// nodes are the postmasters of every server a run may reach (the primary's first),
	// for their CPU time
	nodes   []int
	major   int
	monitor *pgx.Conn // reads pg_stat_database; opened before the runs, so not "new"
	args    []string  // given to every run (-pgcheckup-args), e.g. --format json
	// noMemory skips sampling the backends' memory: the sampler reads every process's
	// /proc/<pid>/stat each 20 ms, CPU that a comparison reporting no memory (the
	// multi-node one, whose runs use both cores to the full) should not pay for.
	noMemory bool
}

// pgcheckup runs `pgcheckup run -q --out DIR` with every check, as a child process.
// extra arguments come before the connection string (e.g. --checks H002).
func (b *bench) pgcheckup(ctx context.Context, extra ...string) (runResult, error) {
	var r runResult
	out, err := os.MkdirTemp("", "pgcheckup-bench-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(out)
	bytes0, files0, err := b.temp(ctx)
	if err != nil {
		return r, err
	}
	offset := logSize(b.logFile)
	var s *sampler
	if !b.noMemory {
		s = startSampler(b.postmaster, 20*time.Millisecond)
	}
	args := append(append(append([]string{"run", "-q", "--out", out}, b.args...), extra...), b.connString)
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Stderr = os.Stderr
	cpu0 := b.serversCPU()
	start := time.Now()
	err = cmd.Run()
	r.Wall = time.Since(start)
	if s != nil {
		s.finish(5 * time.Second)
	}
	if err != nil {
		// exit 1 (some checks ended in error) still wrote a report: the errors are
		// printed with the results; any other exit is a failed run
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			return r, fmt.Errorf("pgcheckup run: %w", err)
		}
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.ClientKB = ru.Maxrss // kilobytes on Linux
	}
	r.ClientCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if s != nil {
		r.BackendKB, r.BackendsKB = s.peakKB, s.peakSum
	}
	if b.major < 15 {
		// before 15 the statistics collector receives a backend's counts after it exits
		time.Sleep(700 * time.Millisecond)
	}
	bytes1, files1, err := b.temp(ctx)
	if err != nil {
		return r, err
	}
	r.TempBytes, r.TempFiles = bytes1-bytes0, files1-files0
	r.ServerCPU = b.serversCPU() - cpu0
	if r.Statements, r.Connections, err = countLog(b.logFile, offset); err != nil {
		return r, err
	}
	r.Report, err = readReport(out)
	return r, err
}

// temp sums temporary bytes and files over every database.
func (b *bench) temp(ctx context.Context) (bytes, files int64, err error) {
	// a fresh snapshot each time: outside a transaction every statement gets one
	err = b.monitor.QueryRow(ctx, `SELECT COALESCE(sum(temp_bytes), 0)::bigint, COALESCE(sum(temp_files), 0)::bigint
		FROM pg_catalog.pg_stat_database`).Scan(&bytes, &files)
	if err != nil {
		return 0, 0, fmt.Errorf("read pg_stat_database: %w", err)
	}
	return bytes, files, nil
}

// readReport finds report.json under dir (OUT/PROJECT/TIMESTAMP/report.json).
func readReport(dir string) (*report.Report, error) {
	var path string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "report.json" {
			path = p
		}
		return nil
	})
	if path == "" {
		return nil, fmt.Errorf("no report.json under %s", dir)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep report.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return &rep, nil
}

// serversCPU sums serverCPU over the bench's servers.
func (b *bench) serversCPU() time.Duration {
	var t time.Duration
	for _, pm := range append([]int{b.postmaster}, b.nodes...) {
		t += serverCPU(pm)
	}
	return t
}
