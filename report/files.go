package report

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// writeFile creates dir/name (a relative name with forward slashes, checked to stay
// inside dir), streams fill into it through a buffer, and fsyncs it before closing: a
// report is written once and must be on disk when pgcheckup says it is. A failed write
// removes the partial file.
func writeFile(dir, name string, fill func(w *bufio.Writer) error) (err error) {
	path, err := inside(dir, name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), DirMode); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, FileMode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(path)
			err = fmt.Errorf("write %s: %w", name, err)
		}
	}()
	w := bufio.NewWriterSize(f, 256<<10)
	if err := fill(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// syncDir fsyncs a folder, so the names of the files created or renamed in it are on
// disk too.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	return errors.Join(err, d.Close())
}
