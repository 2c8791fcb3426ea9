package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pipeline"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// The workload window and interrupts: while a node waits out --window, the first
// SIGINT or SIGTERM ends the window early (the report says so) instead of the run.
var (
	windowStop     = make(chan struct{})
	windowStopOnce sync.Once
	windowWaiting  atomic.Int32
)

// snapshotDir is where a report folder keeps the nodes' pg_stat_statements snapshots:
// counters and queryids only, never texts, for the next run's delta.
const snapshotDir = "workload"

// snapshotFile names a node's snapshot by a hash of its key (system identifier and
// address), so that no host name is in a file name.
func snapshotFile(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:8]) + ".json"
}

// workloadOptions builds the run's workload settings; kept collects the snapshots that
// keepSnapshots writes into the report folder.
func workloadOptions(window time.Duration, projectDir string) (pipeline.Workload, *keptSnapshots) {
	kept := &keptSnapshots{m: map[string]*workload.Snapshot{}}
	return pipeline.Workload{
		Window:   window,
		Stop:     windowStop,
		Previous: func(key string) *workload.Snapshot { return previousSnapshot(projectDir, key) },
		Keep:     kept.keep,
		Waiting: func(on bool) {
			if on {
				windowWaiting.Add(1)
			} else {
				windowWaiting.Add(-1)
			}
		},
	}, kept
}

type keptSnapshots struct {
	mu sync.Mutex
	m  map[string]*workload.Snapshot
}

func (k *keptSnapshots) keep(key string, s *workload.Snapshot) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.m[key] = s
}

// write saves the snapshots into dir/workload (0700, files 0600).
func (k *keptSnapshots) write(dir string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.m) == 0 {
		return nil
	}
	sd := filepath.Join(dir, snapshotDir)
	if err := os.MkdirAll(sd, 0o700); err != nil {
		return err
	}
	for key, s := range k.m {
		if err := s.Save(filepath.Join(sd, snapshotFile(key))); err != nil {
			return err
		}
	}
	return nil
}

// previousSnapshot is the node's snapshot in the newest earlier report folder of the
// project that has one (report folders are named by their start time, so they sort).
func previousSnapshot(projectDir, key string) *workload.Snapshot {
	entries, err := os.ReadDir(projectDir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name()[0] != '.' {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for i := len(names) - 1; i >= 0; i-- {
		if s, err := workload.Load(filepath.Join(projectDir, names[i], snapshotDir, snapshotFile(key))); err == nil {
			return s
		}
	}
	return nil
}
