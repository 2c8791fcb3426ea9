package report

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sync/errgroup"
)

// File and folder modes: reports describe production systems, so only their owner
// reads them unless the user widens this.
const (
	DirMode  = 0o700
	FileMode = 0o600
)

// tempPrefix starts the name of every folder a writer fills before renaming its files
// into place; a folder with this name is never a report.
const tempPrefix = ".incomplete-"

// WriteJSON writes report.json into dir (streamed, fsynced).
func WriteJSON(dir string, r *Report) error { return writeJSONFile(nil, dir, fileOf(FormatJSON), r) }

func writeJSONFile(_ *Renderer, dir, file string, r *Report) error {
	return writeFile(dir, file, func(w *bufio.Writer) error { return r.Write(w) })
}

func writeMarkdownFiles(rd *Renderer, dir, file string, r *Report) error {
	err := writeFile(dir, file, func(w *bufio.Writer) error { return rd.MarkdownTo(w, r) })
	if err != nil {
		return err
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		err := writeFile(dir, "md/"+c.ID+".md", func(w *bufio.Writer) error {
			b, err := rd.CheckMarkdown(r, c)
			if err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
	}
	if len(r.Checks) == 0 {
		return nil // no md/ folder
	}
	return syncDir(filepath.Join(dir, "md"))
}

func writeHTMLFile(rd *Renderer, dir, file string, r *Report) error {
	return writeFile(dir, file, func(w *bufio.Writer) error { return rd.HTMLTo(w, r) })
}

// writeRendered writes the rendered formats in want into dir, one check at a time.
func writeRendered(dir string, r *Report, want map[string]bool) error {
	rd, err := NewRenderer()
	if err != nil {
		return err
	}
	rd.sections = &sectionCache{m: map[sectionKey][]byte{}}
	// Markdown and HTML are files of their own, rendered at once (on two cores where
	// there are); the PDF comes after, printed by a browser that wants the cores itself.
	var g errgroup.Group
	for _, f := range formats {
		if f.Rendered && want[f.Name] && !f.OnRequest {
			g.Go(func() error { return f.write(rd, dir, f.File, r) })
		}
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, f := range formats {
		if f.Rendered && want[f.Name] && f.OnRequest {
			if err := f.write(rd, dir, f.File, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteRendered writes report.md with md/<ID>.md, and report.html, as formats asks,
// into dir: `pgcheckup render`. Every file is first written (and fsynced) in a hidden
// temporary folder inside dir and then renamed over its old version, so a failure (a
// full disk, an unrenderable report) leaves each old file whole. The report is
// validated before anything is created; a folder made here is removed again on failure.
func WriteRendered(dir string, r *Report, formats map[string]bool) (err error) {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("invalid report: %w", err)
	}
	made, err := mkdirAll(dir)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			for _, d := range made { // deepest first; Remove leaves a folder that is not empty
				os.Remove(d)
			}
		}
	}()
	removeStale(dir)
	tmp, err := os.MkdirTemp(dir, tempPrefix+"render-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := writeRendered(tmp, r, formats); err != nil {
		return err
	}
	return moveFiles(tmp, dir)
}

// moveFiles renames every file under from to the same relative path under to, and
// fsyncs the folders it renamed into.
func moveFiles(from, to string) error {
	dirs := map[string]bool{}
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst, err := inside(to, rel)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), DirMode); err != nil {
			return err
		}
		dirs[filepath.Dir(dst)] = true
		return os.Rename(p, dst)
	})
	if err != nil {
		return err
	}
	for d := range dirs {
		if err := syncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// mkdirAll is os.MkdirAll that returns the folders it created, deepest first.
func mkdirAll(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, err
	}
	return missing, nil
}
