package report

import (
	"path/filepath"
	"testing"
)

// BenchmarkRenderSample renders the demo report (samples/demo) as Markdown and HTML.
func BenchmarkRenderSample(b *testing.B) {
	r, err := Read(filepath.Join("..", "samples", "demo", "report.json"))
	if err != nil {
		b.Fatal(err)
	}
	rd, err := NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rd.HTML(r); err != nil {
			b.Fatal(err)
		}
	}
}
