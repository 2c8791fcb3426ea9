package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

// writeWithID writes the demo report with its first check's ID replaced, into a folder
// three levels below root, and returns the report's path.
func writeWithID(t *testing.T, root, id string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]any
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	r["checks"].([]any)[0].(map[string]any)["id"] = id
	if b, err = json.Marshal(r); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "a", "b", "report")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "report.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func listTree(t *testing.T, root string) string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		out = append(out, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// A report.json is untrusted input: an ID that is not an ID is refused as a usage error
// and nothing is written, next to the report or in --out.
func TestRenderRefusesUnsafeCheckIDs(t *testing.T) {
	for _, id := range []string{"../../somewhere/README", "../README", "/tmp/pgcheckup-abs-cli/README",
		`..\..\somewhere\README`, "", "h002", "H002/../x", "H0021"} {
		root := t.TempDir()
		path := writeWithID(t, root, id)
		before := listTree(t, root)
		for _, args := range [][]string{{"render", path}, {"render", path, "--out", filepath.Join(root, "out")}} {
			code, stdout, stderr := runCLI(t, args...)
			if code != exitUsage || !strings.Contains(stderr, "check id") {
				t.Errorf("id %q, %v: exit %d, want %d; stdout %q stderr %q", id, args[2:], code, exitUsage, stdout, stderr)
			}
			if after := listTree(t, root); after != before {
				t.Errorf("id %q, %v: files were written:\n%s", id, args[2:], after)
			}
		}
		if _, err := os.Stat("/tmp/pgcheckup-abs-cli"); err == nil {
			os.RemoveAll("/tmp/pgcheckup-abs-cli")
			t.Errorf("id %q: wrote under /tmp/pgcheckup-abs-cli", id)
		}
	}
}

// The hostile report renders through the real command as through the report package.
func TestRenderHostileReport(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "render", filepath.Join("..", "..", "testdata", "hostile", "report.json"), "--out", out)
	if code != exitOK {
		t.Fatalf("render exited %d: stdout %q stderr %q", code, stdout, stderr)
	}
	mds, _ := filepath.Glob(filepath.Join(out, "md", "*.md"))
	if len(mds) == 0 {
		t.Fatal("no md/<ID>.md written")
	}
	for _, p := range append(mds, filepath.Join(out, "report.md")) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		reporttest.CheckMarkdown(t, filepath.Base(p), string(b))
	}
	b, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	reporttest.CheckHTML(t, string(b))
}
