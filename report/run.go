package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// StaleAge is how old a temporary folder must be before a later run removes it: older
// than any run that could still be writing it.
const StaleAge = 24 * time.Hour

// maxNames bounds the names tried for one report folder (STAMP, STAMP-2, ...).
const maxNames = 10000

// WriteRun writes a run's report into OUT/PROJECT/STAMP (STAMP is the start time in UTC,
// 20060102T150405Z) and returns that folder. Everything is written into a unique
// temporary folder, fsynced, and the folder renamed into place, so a killed run never
// leaves a folder that looks complete. Runs started in the same second each keep their
// report: a name already taken is retried as STAMP-2, STAMP-3, ... report.json is always
// written; the rendered formats in formats are rendered from it, exactly as `pgcheckup
// render` would. Temporary folders older than StaleAge are removed first.
func WriteRun(out string, rep *Report, formats []string) (string, error) {
	want, err := ParseFormats(formats, false)
	if err != nil {
		return "", err
	}
	base := filepath.Join(out, rep.Project)
	if err := os.MkdirAll(base, DirMode); err != nil {
		return "", err
	}
	removeStale(base)
	stamp := rep.StartedAt.UTC().Format("20060102T150405Z")
	tmp, err := os.MkdirTemp(base, tempPrefix+stamp+"-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp) // gone after the rename; what is left after a failure
	if err := WriteJSON(tmp, rep); err != nil {
		return "", err
	}
	// Render from the file just written, exactly as `pgcheckup render` would.
	saved, err := Read(filepath.Join(tmp, fileOf(FormatJSON)))
	if err != nil {
		return "", err
	}
	if err := writeRendered(tmp, saved, want); err != nil {
		return "", err
	}
	if err := syncDir(tmp); err != nil {
		return "", err
	}
	dir, err := place(tmp, base, stamp)
	if err != nil {
		return "", err
	}
	return dir, syncDir(base)
}

// place renames tmp to base/stamp, or the first free base/stamp-N. The rename is the
// test of whether a name is free (a check before it would race with another run): it
// fails on a folder that holds a report, and a name that exists after a failed rename is
// taken, so the next one is tried.
func place(tmp, base, stamp string) (string, error) {
	// After the highest name of the stamp already there, never in a gap: --keep may have
	// removed STAMP while STAMP-2 stays, and a new report named STAMP would sort as the
	// oldest.
	for i := highestOf(base, stamp) + 1; i <= maxNames; i++ {
		name := stamp
		if i > 1 {
			name = fmt.Sprintf("%s-%d", stamp, i)
		}
		dir := filepath.Join(base, name)
		err := os.Rename(tmp, dir)
		if err == nil {
			return dir, nil
		}
		if _, serr := os.Lstat(dir); serr != nil {
			return "", fmt.Errorf("move report into place: %w", err)
		}
	}
	return "", fmt.Errorf("move report into place: %s to %s-%d are all taken", stamp, stamp, maxNames)
}

// highestOf is the highest N of the entries of base named stamp (1) or stamp-N; 0 when
// there is none.
func highestOf(base, stamp string) int {
	entries, err := os.ReadDir(base)
	if err != nil {
		return 0
	}
	high := 0
	for _, e := range entries {
		n := 0
		switch name := e.Name(); {
		case name == stamp:
			n = 1
		case strings.HasPrefix(name, stamp+"-"):
			n, _ = strconv.Atoi(strings.TrimPrefix(name, stamp+"-"))
		}
		high = max(high, n)
	}
	return high
}

// removeStale removes temporary folders in dir left by runs or renders that were killed,
// once they are older than StaleAge; younger ones may belong to a run still writing.
// It is tidying: what cannot be removed is left for next time.
func removeStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > StaleAge {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
