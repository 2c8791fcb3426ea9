package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the Go heap size past which the garbage collector works harder
// (a soft limit: nothing fails above it). At 50,000 tables the checks that match catalogs
// in Go hold a few tens of MiB at a time, and the default collector (collect when the
// heap doubles) let the process reach 100 MB; with this limit it peaked at 73 MB for the
// same run, no slower (docs/benchmarks.md). GOMEMLIMIT, when set, decides instead.
const defaultMemoryLimit = 48 << 20

func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
