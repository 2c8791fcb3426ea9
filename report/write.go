package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// Formats a report can be written in.
const (
	FormatJSON = "json"
	FormatMD   = "md"
	FormatHTML = "html"
)

// File and folder modes: reports describe production systems, so only their owner
// reads them unless the user widens this.
const (
	DirMode  = 0o700
	FileMode = 0o600
)

// WriteJSON writes report.json into dir.
func WriteJSON(dir string, r *Report) error {
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "report.json"), b.Bytes(), FileMode)
}

// WriteRendered writes report.md with md/<ID>.md, and report.html, as formats asks.
// `pgcheckup run` and `pgcheckup render` both call it on a report read from its JSON
// file, which is what makes a re-render identical byte for byte. It validates the report
// and renders every file in memory first, so an invalid or unrenderable report leaves
// nothing behind, and every path is checked to stay inside dir.
func WriteRendered(dir string, r *Report, formats map[string]bool) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("invalid report: %w", err)
	}
	files, err := render(r, formats)
	if err != nil {
		return err
	}
	for _, f := range files {
		path, err := inside(dir, f.name)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(path), DirMode); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.data, FileMode); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return nil
}

type file struct {
	name string // relative to the report folder, with forward slashes
	data []byte
}

func render(r *Report, formats map[string]bool) ([]file, error) {
	rd, err := NewRenderer()
	if err != nil {
		return nil, err
	}
	var files []file
	if formats[FormatMD] {
		b, err := rd.Markdown(r)
		if err != nil {
			return nil, err
		}
		files = append(files, file{"report.md", b})
		for i := range r.Checks {
			b, err := rd.CheckMarkdown(r, &r.Checks[i])
			if err != nil {
				return nil, err
			}
			files = append(files, file{"md/" + r.Checks[i].ID + ".md", b})
		}
	}
	if formats[FormatHTML] {
		b, err := rd.HTML(r)
		if err != nil {
			return nil, err
		}
		files = append(files, file{"report.html", b})
	}
	return files, nil
}
