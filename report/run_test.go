package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

// Runs started in the same second each keep their report: 16 writers at once with the
// same start time, 20 times over, into one project. (Before: a name checked free and then
// taken by another run made the rename fail with "directory not empty".)
func TestWriteRunConcurrentSameSecond(t *testing.T) {
	out := t.TempDir()
	// A report without checks: what is tested is the naming, not the rendering.
	base := &Report{SchemaVersion: SchemaVersion, Project: "p", StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	const writers, rounds = 16, 20
	seen := map[string]bool{}
	for round := range rounds {
		dirs := make([]string, writers)
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			r := *base
			r.Tool.Version = fmt.Sprintf("r%d-w%d", round, i) // which writer wrote a folder
			wg.Add(1)
			go func() {
				defer wg.Done()
				dirs[i], errs[i] = WriteRun(out, &r, []string{FormatJSON, FormatMD})
			}()
		}
		wg.Wait()
		for i := range writers {
			if errs[i] != nil {
				t.Fatalf("round %d writer %d lost its report: %v", round, i, errs[i])
			}
			if seen[dirs[i]] {
				t.Fatalf("round %d writer %d: folder %s given twice", round, i, dirs[i])
			}
			seen[dirs[i]] = true
			got, err := Read(filepath.Join(dirs[i], "report.json"))
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("r%d-w%d", round, i); got.Tool.Version != want {
				t.Fatalf("%s holds the report of %s, want %s", dirs[i], got.Tool.Version, want)
			}
		}
	}
	entries, err := os.ReadDir(filepath.Join(out, "p"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != writers*rounds {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("%d entries in the project folder, want %d: %s", len(entries), writers*rounds, strings.Join(names, " "))
	}
}

// Temporary folders of killed runs are removed by the next run once older than a day;
// younger ones may belong to a run still writing and are kept.
func TestWriteRunRemovesStaleTempFolders(t *testing.T) {
	out := t.TempDir()
	r := sample(t)
	r.Project = "p"
	old := filepath.Join(out, "p", ".incomplete-20250101T000000Z-123")
	young := filepath.Join(out, "p", ".incomplete-20250101T000000Z-456")
	render := filepath.Join(out, "p", ".incomplete-render-789")
	for _, d := range []string{old, young, render} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "report.json"), []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{old, render} {
		when := time.Now().Add(-25 * time.Hour)
		if err := os.Chtimes(d, when, when); err != nil {
			t.Fatal(err)
		}
	}
	when := time.Now().Add(-23 * time.Hour)
	if err := os.Chtimes(young, when, when); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteRun(out, r, []string{FormatJSON}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{old, render} {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("%s (25 hours old) was not removed", filepath.Base(d))
		}
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("%s (23 hours old) was removed: %v", filepath.Base(young), err)
	}
}

// A folder that cannot take the report is an error, and no report-looking folder is left.
func TestWriteRunFullDisk(t *testing.T) {
	dir := reporttest.TinyFS(t, "64k")
	r := sample(t)
	r.Project = "p"
	_, err := WriteRun(dir, r, []string{FormatJSON, FormatMD, FormatHTML})
	if err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Fatalf("error %v, want no space left", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "p"))
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}

// TestPlaceAfterHighest: a new report's folder sorts after every folder of its second,
// also when --keep removed the first of them (STAMP gone, STAMP-2 kept).
func TestPlaceAfterHighest(t *testing.T) {
	base := t.TempDir()
	if err := os.Mkdir(filepath.Join(base, "S-2"), 0o700); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(base, tempPrefix)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := place(tmp, base, "S")
	if err != nil || filepath.Base(dir) != "S-3" {
		t.Fatalf("placed at %q (%v), want S-3", dir, err)
	}
}
