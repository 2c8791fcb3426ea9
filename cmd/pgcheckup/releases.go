package main

import (
	"fmt"
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

// versionLine is what `pgcheckup version` prints: the tool's version and the date of
// the built-in release table, which says how current A002's and A013's advice is
// (--releases gives a newer table).
func versionLine() string {
	t, err := releases.Load()
	if err != nil {
		return fmt.Sprintf("pgcheckup %s (built-in release table unreadable: %v)", toolVersion(), err)
	}
	return fmt.Sprintf("pgcheckup %s (built-in release table as of %s)", toolVersion(), t.AsOf.Format(time.DateOnly))
}
