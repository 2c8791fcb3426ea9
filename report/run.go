package report

import (
	"fmt"
	"os"
	"path/filepath"
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
	for i := 1; i <= maxNames; i++ {
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
