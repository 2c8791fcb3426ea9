package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestMemoryLimitFollowsTheNodes: the soft limit is memoryPerNode for each node being
// checked, over overlapping runs (a fleet), and off again when none is.
func TestMemoryLimitFollowsTheNodes(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(math.MaxInt64)
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	one := holdMemory(1)
	if got := limit(); got != memoryPerNode {
		t.Fatalf("one node: limit %d, want %d", got, memoryPerNode)
	}
	four := holdMemory(nodesAtOnce(4, 0, false))
	if got := limit(); got != 5*memoryPerNode {
		t.Fatalf("one node and a cluster of four at once: limit %d, want %d", got, 5*memoryPerNode)
	}
	four()
	one()
	if got := limit(); got != memoryPerNode {
		t.Fatalf("after both: limit %d, want %d (no node: one node's)", got, memoryPerNode)
	}
	for _, c := range []struct{ targets, parallel, want int }{{1, 0, 1}, {6, 0, 4}, {6, 2, 2}, {3, 8, 3}} {
		if got := nodesAtOnce(c.targets, c.parallel, false); got != c.want {
			t.Errorf("nodesAtOnce(%d, %d) = %d, want %d", c.targets, c.parallel, got, c.want)
		}
	}
	if got := nodesAtOnce(1, 0, true); got != 4 {
		t.Errorf("with --discover: %d nodes at once, want 4", got)
	}
}
