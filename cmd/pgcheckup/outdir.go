package main

import (
	"os"

	"github.com/pgcheckup/pgcheckup/report"
)

// probeOutDir creates the project's output folder and proves it writable by creating
// and removing a file in it, before any connection: a read-only, full or misplaced
// folder is a usage error, not a report lost after all checks ran. Root ignores
// permission bits, so only a real write tells.
func probeOutDir(dir string) error {
	if err := os.MkdirAll(dir, report.DirMode); err != nil {
		return cfgErr("output folder %s: cannot create it: %v", dir, err)
	}
	f, err := os.CreateTemp(dir, ".write-probe-*")
	if err != nil {
		return cfgErr("output folder %s: not writable: %v", dir, err)
	}
	_, werr := f.Write([]byte("probe\n"))
	cerr := f.Close()
	rerr := os.Remove(f.Name())
	for _, err := range []error{werr, cerr, rerr} {
		if err != nil {
			return cfgErr("output folder %s: not writable: %v", dir, err)
		}
	}
	return nil
}
