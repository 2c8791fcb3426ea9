package checks

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestChecksDoNotImportReport keeps the layering of the design notes: data flows from
// checks to the report, so no check (nor this contract package) may import report or
// anything under it. Tests may: checks/all renders every template through report.
func TestChecksDoNotImportReport(t *testing.T) {
	const forbidden = "github.com/pgcheckup/pgcheckup/report"
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p == forbidden || strings.HasPrefix(p, forbidden+"/") {
				t.Errorf("checks/%s imports %s", filepath.ToSlash(path), p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
