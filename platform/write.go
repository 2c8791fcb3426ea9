package platform

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/pgcheckup/pgcheckup/report"
)

// Dir is the folder, inside a report's folder, that `run --format platform` writes.
const Dir = "platform"

// Write writes files (from Export) into dir, creating it (0700; files 0600). Each file
// is validated again, written to a temporary name, fsynced and renamed into place. A
// platform file of an earlier export that this one did not produce (a check now
// invalid or without results) is removed, so nothing stale is left to be sent.
func Write(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, report.DirMode); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		id, ok := idOf(name)
		if !ok {
			return fmt.Errorf("platform: %q is not a platform file name", name)
		}
		if err := Validate(id, files[name]); err != nil {
			return err
		}
		if err := writeFile(dir, name, files[name]); err != nil {
			return err
		}
	}
	for _, id := range Schemas() {
		name := File(id)
		if _, ok := files[name]; ok {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return syncDir(dir)
}

// idOf is the check ID of a platform file name, if it names a check with a schema.
func idOf(name string) (string, bool) {
	for _, id := range Schemas() {
		if File(id) == name {
			return id, true
		}
	}
	return "", false
}

func writeFile(dir, name string, b []byte) (err error) {
	f, err := os.CreateTemp(dir, ".incomplete-"+name+"-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
		}
	}()
	if err = f.Chmod(report.FileMode); err != nil {
		return err
	}
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, name))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}

// ExportDir exports the report saved in reportDir (report.json) into reportDir/platform:
// what `run --format ...,platform` does after writing the report. It works from the
// file, as `pgcheckup export` does. The valid files are written even when some are
// invalid; the error then names the others. notes go to w (may be nil).
func ExportDir(reportDir string, w io.Writer) error {
	r, err := report.Read(filepath.Join(reportDir, "report.json"))
	if err != nil {
		return err
	}
	files, notes, err := ExportNotes(r)
	if w != nil {
		for _, n := range notes {
			fmt.Fprintf(w, "platform: %s\n", n)
		}
	}
	if werr := Write(filepath.Join(reportDir, Dir), files); werr != nil {
		return errors.Join(werr, err)
	}
	return err
}
