package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

// Rendering onto a disk that fills up fails and leaves the old report.md and report.html
// whole (before: they were rewritten in place and left truncated).
func TestWriteRenderedFullDiskKeepsOldFiles(t *testing.T) {
	dir := reporttest.TinyFS(t, "64k")
	old := map[string][]byte{
		"report.md":   bytes.Repeat([]byte("old markdown\n"), 1000),
		"report.html": bytes.Repeat([]byte("<p>old html</p>\n"), 1000),
	}
	for name, b := range old {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	err := WriteRendered(dir, sample(t), RenderedFormats())
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("error %v, want no space left", err)
	}
	for name, want := range old {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s changed: %d bytes, was %d", name, len(got), len(want))
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if _, ok := old[e.Name()]; !ok {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// A render replaces every file it writes and leaves no temporary folder.
func TestWriteRenderedReplacesFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := sample(t)
	if err := WriteRendered(dir, r, RenderedFormats()); err != nil {
		t.Fatal(err)
	}
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	want, err := rd.Markdown(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("report.md is not the rendered report")
	}
	for _, name := range []string{"report.html", filepath.Join("md", r.Checks[0].ID+".md")} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
