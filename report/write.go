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
// file, which is what makes a re-render identical byte for byte.
func WriteRendered(dir string, r *Report, formats map[string]bool) error {
	rd, err := NewRenderer()
	if err != nil {
		return err
	}
	if formats[FormatMD] {
		b, err := rd.Markdown(r)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "report.md"), b, FileMode); err != nil {
			return err
		}
		mdDir := filepath.Join(dir, "md")
		if err := os.MkdirAll(mdDir, DirMode); err != nil {
			return err
		}
		for i := range r.Checks {
			b, err := rd.CheckMarkdown(r, &r.Checks[i])
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(mdDir, r.Checks[i].ID+".md"), b, FileMode); err != nil {
				return err
			}
		}
	}
	if formats[FormatHTML] {
		b, err := rd.HTML(r)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "report.html"), b, FileMode); err != nil {
			return fmt.Errorf("write html: %w", err)
		}
	}
	return nil
}
