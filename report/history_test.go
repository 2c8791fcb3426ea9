package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// historyTree makes a project folder with complete reports, and things that only look
// like them.
func historyTree(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	complete := []string{"20260101T000000Z", "20260102T000000Z", "20260102T000000Z-2",
		"20260102T000000Z-10", "20260103T000000Z"}
	for _, n := range complete {
		mkReport(t, filepath.Join(base, n))
	}
	// Not reports: no report.json, a name pgcheckup does not give, a temporary folder.
	must(t, os.Mkdir(filepath.Join(base, "20251231T000000Z"), 0o755))
	mkReport(t, filepath.Join(base, "notes"))
	mkReport(t, filepath.Join(base, tempPrefix+"20251230T000000Z-123"))
	mkReport(t, filepath.Join(base, "20251229T000000Z-0"))
	// A symlink named like a report, to a folder outside: removing it would be harmless,
	// but following it must never happen, and it is not a report of this project.
	outside := t.TempDir()
	mkReport(t, filepath.Join(outside, "x"))
	must(t, os.Symlink(filepath.Join(outside, "x"), filepath.Join(base, "20251228T000000Z")))
	return base
}

func mkReport(t *testing.T, dir string) {
	t.Helper()
	must(t, os.MkdirAll(dir, 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "report.json"), []byte("{}"), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func names(fs []Folder) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

func TestFoldersOrder(t *testing.T) {
	base := historyTree(t)
	got, err := Folders(base)
	must(t, err)
	want := []string{"20260101T000000Z", "20260102T000000Z", "20260102T000000Z-2",
		"20260102T000000Z-10", "20260103T000000Z"}
	if !slices.Equal(names(got), want) {
		t.Fatalf("Folders = %q, want %q", names(got), want)
	}
}

func TestPruneCount(t *testing.T) {
	base := historyTree(t)
	// The folder just written is kept even where it is not among the newest (a clock
	// set back between runs).
	removed, err := Prune(base, "20260101T000000Z", Retention{Count: 2}, time.Now())
	must(t, err)
	if want := []string{"20260102T000000Z", "20260102T000000Z-2"}; !slices.Equal(removed, want) {
		t.Fatalf("removed %q, want %q", removed, want)
	}
	left, _ := Folders(base)
	if want := []string{"20260101T000000Z", "20260102T000000Z-10", "20260103T000000Z"}; !slices.Equal(names(left), want) {
		t.Fatalf("left %q, want %q", names(left), want)
	}
	// What is not a report is still there, and so is the symlink's target.
	for _, n := range []string{"20251231T000000Z", "notes", tempPrefix + "20251230T000000Z-123", "20251229T000000Z-0", "20251228T000000Z"} {
		if _, err := os.Lstat(filepath.Join(base, n)); err != nil {
			t.Errorf("%s: %v (not a report, must be left alone)", n, err)
		}
	}
	entries, _ := os.ReadDir(base)
	if len(entries) != 3+5 {
		t.Errorf("%d entries left, want 8 (a removal left something behind?)", len(entries))
	}
}

func TestPruneAge(t *testing.T) {
	base := historyTree(t)
	now := time.Date(2026, 1, 3, 12, 0, 0, 0, time.UTC)
	removed, err := Prune(base, "20260103T000000Z", Retention{Age: 36 * time.Hour}, now)
	must(t, err)
	if want := []string{"20260101T000000Z"}; !slices.Equal(removed, want) {
		t.Fatalf("removed %q, want %q", removed, want)
	}
	// The one just written survives any age.
	removed, err = Prune(base, "20260103T000000Z", Retention{Age: time.Minute}, now)
	must(t, err)
	left, _ := Folders(base)
	if len(removed) != 3 || !slices.Equal(names(left), []string{"20260103T000000Z"}) {
		t.Fatalf("removed %q, left %q", removed, names(left))
	}
}

func TestPruneOff(t *testing.T) {
	base := historyTree(t)
	removed, err := Prune(base, "x", Retention{}, time.Now())
	must(t, err)
	left, _ := Folders(base)
	if len(removed) != 0 || len(left) != 5 {
		t.Fatalf("zero retention removed %q", removed)
	}
}

func TestUpdateLatest(t *testing.T) {
	base := historyTree(t)
	name, err := UpdateLatest(base)
	must(t, err)
	if name != "20260103T000000Z" {
		t.Fatalf("latest = %q", name)
	}
	target, err := os.Readlink(filepath.Join(base, LatestName))
	must(t, err)
	if target != name {
		t.Fatalf("latest -> %q, want the relative %q", target, name)
	}
	// Replaced, not added to: a newer report moves it.
	mkReport(t, filepath.Join(base, "20260104T000000Z"))
	if _, err := UpdateLatest(base); err != nil {
		t.Fatal(err)
	}
	if target, _ := os.Readlink(filepath.Join(base, LatestName)); target != "20260104T000000Z" {
		t.Fatalf("latest -> %q after a newer report", target)
	}
	if _, err := os.Stat(filepath.Join(base, LatestName, "report.json")); err != nil {
		t.Fatalf("latest does not lead to the report: %v", err)
	}
	if got, _ := Folders(base); len(got) != 6 {
		t.Fatalf("latest counted as a report: %q", names(got))
	}
}

func TestUpdateLatestWithoutSymlinks(t *testing.T) {
	base := historyTree(t)
	if _, err := UpdateLatest(base); err != nil { // a symlink first: the file replaces it
		t.Fatal(err)
	}
	symlink = func(string, string) error { return &os.LinkError{Op: "symlink", Err: os.ErrPermission} }
	defer func() { symlink = os.Symlink }()
	mkReport(t, filepath.Join(base, "20260104T000000Z"))
	if _, err := UpdateLatest(base); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(filepath.Join(base, LatestName))
	if err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("latest is not a file: %v %v", fi, err)
	}
	if b, _ := os.ReadFile(filepath.Join(base, LatestName)); string(b) != "20260104T000000Z\n" {
		t.Fatalf("latest holds %q", b)
	}
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix+"latest") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
