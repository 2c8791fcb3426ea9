package report

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unsafeIDs are check IDs a hostile report.json may carry: each would put md/<ID>.md
// somewhere else, or is not an ID at all.
var unsafeIDs = []string{
	"../../somewhere/README", "../README", "/tmp/pgcheckup-abs/README", `..\..\somewhere\README`,
	`H002\x`, "", "h002", "H002/../x", "H0021", "H02", "H002 ", "H002\x00", "md", ".", "..",
}

func sample(t *testing.T) *Report {
	t.Helper()
	r, err := Read(filepath.Join("..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tree lists every path under root, so a test can see that nothing was written.
func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		out = append(out, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadRefusesUnsafeCheckIDs(t *testing.T) {
	for _, id := range unsafeIDs {
		r := sample(t)
		r.Checks[0].ID = id
		root := t.TempDir()
		dir := filepath.Join(root, "a", "b", "report")
		if err := os.MkdirAll(dir, DirMode); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "report.json")
		if err := WriteJSON(dir, r); err != nil {
			t.Fatal(err)
		}
		before := tree(t, root)
		if _, err := Read(path); err == nil || !strings.Contains(err.Error(), "check id") {
			t.Errorf("Read accepted check id %q (err %v)", id, err)
		}
		// WriteRendered is also reachable without Read (run, tests): it refuses as well.
		if err := WriteRendered(dir, r, map[string]bool{FormatMD: true, FormatHTML: true}); err == nil {
			t.Errorf("WriteRendered accepted check id %q", id)
		}
		if after := tree(t, root); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("check id %q: files were written:\n%s", id, strings.Join(after, "\n"))
		}
		if _, err := os.Stat("/tmp/pgcheckup-abs"); err == nil {
			t.Errorf("check id %q: wrote under /tmp/pgcheckup-abs", id)
			os.RemoveAll("/tmp/pgcheckup-abs")
		}
	}
}

func TestReadRefusesDuplicateCheckIDs(t *testing.T) {
	r := sample(t)
	r.Checks[1].ID = r.Checks[0].ID // one md/<ID>.md would overwrite the other
	if err := r.Validate(); err == nil {
		t.Fatal("duplicate check id accepted")
	}
}

func TestReadRefusesUnknownStatus(t *testing.T) {
	r := sample(t)
	r.Checks[0].Results[0].Status = "ok | <b>x</b>"
	if err := r.Validate(); err == nil {
		t.Fatal("unknown status accepted")
	}
}
