package main

import (
	"os"
	"runtime/debug"
	"sync"

	"github.com/pgcheckup/pgcheckup/internal/pipeline"
)

// memoryPerNode is the Go heap the garbage collector keeps pgcheckup to for each node
// being checked (a soft limit: nothing fails above it, the collector just works harder).
// At 50,000 tables the checks that match catalogs in Go hold a few tens of MiB at a time,
// and the default collector (collect when the heap doubles) let one node's run reach
// 100 MB; with 48 MiB it peaked at 74-77 MB, no slower (docs/benchmarks.md). The limit
// grows with the nodes checked at once: four nodes' workload snapshots alone outgrow one
// node's budget, and a live heap above the limit makes the collector run without pause
// (a run over four nodes took 7.3 s instead of 3.1 s). GOMEMLIMIT, when set, decides
// instead.
const memoryPerNode = 48 << 20

var memory struct {
	sync.Mutex
	nodes int // being checked now, over every cluster of a fleet
}

// holdMemory raises the limit for nodes more nodes until the returned func is called.
func holdMemory(nodes int) func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	nodes = max(nodes, 1)
	adjust := func(by int) {
		memory.Lock()
		defer memory.Unlock()
		memory.nodes += by
		debug.SetMemoryLimit(int64(max(memory.nodes, 1)) * memoryPerNode)
	}
	adjust(nodes)
	return func() { adjust(-nodes) }
}

// nodesAtOnce is how many nodes a run checks at the same time: the targets, or with
// --discover those it may find, at most parallel (pipeline.DefaultNodeParallelism when 0).
func nodesAtOnce(targets, parallel int, discover bool) int {
	if parallel <= 0 {
		parallel = pipeline.DefaultNodeParallelism
	}
	if discover {
		targets = max(targets, parallel)
	}
	return min(targets, parallel)
}
