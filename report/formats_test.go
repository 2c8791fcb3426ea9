package report

import (
	"strings"
	"testing"
)

// TestParseFormatsPlatform: run accepts "platform" beside the others; render, which
// only renders, refuses it and names what it takes.
func TestParseFormatsPlatform(t *testing.T) {
	want, err := ParseFormats([]string{"json", "md", "html", "platform"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if !want[FormatPlatform] || len(want) != 4 {
		t.Errorf("got %v", want)
	}
	_, err = ParseFormats([]string{"platform"}, true)
	if err == nil || !strings.Contains(err.Error(), `"platform"`) || !strings.Contains(err.Error(), "md, html or pdf") {
		t.Errorf("render with platform: %v", err)
	}
	if RenderedFormats()[FormatPlatform] {
		t.Error("platform is not rendered by render")
	}
	if _, err := ParseFormats([]string{"xml"}, false); err == nil || !strings.Contains(err.Error(), "platform") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestWriteRunIgnoresPlatform: WriteRun takes "platform" (the caller writes it) and
// writes no platform folder itself, nor fails on it.
func TestWriteRunIgnoresPlatform(t *testing.T) {
	dir, err := WriteRun(t.TempDir(), sample(t), []string{"json", "platform"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dir, "platform") {
		t.Errorf("dir %s", dir)
	}
}
