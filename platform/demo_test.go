package platform

import (
	"path/filepath"
	"sort"
	"testing"

	"github.com/pgcheckup/pgcheckup/report"
)

// TestExportDemo exports the demo report in samples/: every check with a schema and
// results gives a valid file.
func TestExportDemo(t *testing.T) {
	r, err := report.Read(filepath.Join("..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, notes, err := ExportNotes(r)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	want := []string{"A002.json", "A003.json", "A004.json", "A007.json", "A013.json", "D001.json", "D004.json",
		"F001.json", "F004.json", "F005.json", "G001.json", "G003.json", "H001.json", "H002.json", "H004.json", "K001.json", "K003.json",
		"K004.json", "K005.json", "K006.json", "K007.json", "K008.json", "M001.json", "M002.json", "M003.json"} // N001: the demo has no window
	if len(names) != len(want) {
		t.Errorf("files %v, want %v", names, want)
	}
	for _, n := range notes {
		t.Log(n)
	}
}
