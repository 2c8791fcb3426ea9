package main

import (
	"os"
	"testing"
	"time"
)

// TestProcCPU: the CPU time read from /proc grows by about what this process burns, and a
// process that is gone reads as zero.
func TestProcCPU(t *testing.T) {
	before, _ := procCPU(os.Getpid())
	x, start := 0, time.Now()
	for time.Since(start) < 300*time.Millisecond {
		x++
	}
	after, _ := procCPU(os.Getpid())
	if d := after - before; d < 100*time.Millisecond || d > 2*time.Second {
		t.Errorf("burned 300 ms of CPU (%d loops), /proc says %s", x, d)
	}
	if serverCPU(os.Getpid()) < after {
		t.Errorf("serverCPU %s is less than the process's own %s", serverCPU(os.Getpid()), after)
	}
	if own, reaped := procCPU(1 << 30); own != 0 || reaped != 0 {
		t.Errorf("a missing process reads %s, %s", own, reaped)
	}
}
