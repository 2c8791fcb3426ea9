package main

import (
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/releases"
)

// loadReleases reads the release table given with --releases or `releases = "path"` (a
// path relative to the working folder, like out). The file is untrusted: every fault is
// a usage error that names it.
func loadReleases(path string) (*releases.Table, error) {
	if path == "" {
		return nil, nil
	}
	t, err := releases.LoadFile(path, time.Now())
	if err != nil {
		return nil, cfgErr("%v", err)
	}
	return t, nil
}

// useReleases hands the table to the checks that judge versions by it (A002, A013);
// with none given they use the embedded one.
func useReleases(list []checks.Check, t *releases.Table) {
	if t == nil {
		return
	}
	for _, c := range list {
		if u, ok := c.(releases.User); ok {
			u.UseReleases(t)
		}
	}
}
