package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampler follows the server processes a pgcheckup run starts: children of the
// postmaster that did not exist before the run and are client backends ("postgres: user
// db host(port) ...") or parallel workers. Nothing else connects while pgcheckup runs
// (runs alternate with the floor, and the benchmark's own session predates the run), so
// those are pgcheckup's. It reads RssAnon from /proc/<pid>/status every interval: the
// backend's private memory (its share of shared_buffers is RssShmem, not counted).
type sampler struct {
	postmaster int
	before     map[int]bool
	stop       chan struct{}
	done       chan struct{}

	mu      sync.Mutex
	seen    map[int]bool
	peakKB  int64 // the largest RssAnon of one process
	peakSum int64 // the largest sum over pgcheckup's processes at one instant
}

func startSampler(postmaster int, every time.Duration) *sampler {
	s := &sampler{postmaster: postmaster, before: map[int]bool{}, seen: map[int]bool{},
		stop: make(chan struct{}), done: make(chan struct{})}
	for _, pid := range children(postmaster) {
		s.before[pid] = true
	}
	go s.loop(every)
	return s
}

func (s *sampler) loop(every time.Duration) {
	defer close(s.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.sample()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

func (s *sampler) sample() {
	var sum int64
	for _, pid := range children(s.postmaster) {
		if s.before[pid] || !isBackend(pid) {
			continue
		}
		kb := rssAnonKB(pid)
		s.mu.Lock()
		s.seen[pid] = true
		s.peakKB = max(s.peakKB, kb)
		s.mu.Unlock()
		sum += kb
	}
	s.mu.Lock()
	s.peakSum = max(s.peakSum, sum)
	s.mu.Unlock()
}

// finish waits (up to limit) until the processes seen have exited, so that their
// statistics (temporary files) are flushed, then stops sampling.
func (s *sampler) finish(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		alive := false
		s.mu.Lock()
		for pid := range s.seen {
			if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
				alive = true
			}
		}
		s.mu.Unlock()
		if !alive {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(s.stop)
	<-s.done
}

// children are the pids whose parent is ppid.
func children(ppid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after the last ')'
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			out = append(out, pid)
		}
	}
	return out
}

// isBackend: a client backend or a parallel worker, by its process title.
func isBackend(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return false
	}
	title := string(b)
	return strings.Contains(title, "parallel worker") ||
		(strings.HasPrefix(title, "postgres: ") && strings.Contains(title, "127.0.0.1("))
}

func rssAnonKB(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssAnon:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
