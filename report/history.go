package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// stampLayout is the name WriteRun gives a report folder: the run's start in UTC.
const stampLayout = "20060102T150405Z"

// LatestName is the entry in OUT/PROJECT that names the newest complete report: a
// symlink to its folder, or where symlinks cannot be made a file holding its name.
const LatestName = "latest"

// stampRE matches the names WriteRun gives: STAMP, or STAMP-N for runs of the same second.
var stampRE = regexp.MustCompile(`^(\d{8}T\d{6}Z)(?:-([1-9][0-9]{0,4}))?$`)

// Folder is one complete report folder of a project.
type Folder struct {
	Name    string
	Started time.Time // from the name: when the run started
	seq     int       // 1 for STAMP, N for STAMP-N
}

// Folders lists the complete report folders in base (OUT/PROJECT), oldest first. A
// folder counts only if pgcheckup could have written it: its name is a stamp WriteRun
// gives, it is a real folder (not a symlink), and it holds report.json. Anything else
// (a user's notes, a temporary folder, `latest`) is not a report and is left alone.
func Folders(base string) ([]Folder, error) {
	entries, err := os.ReadDir(base)
	if err != nil {
		return nil, err
	}
	var out []Folder
	for _, e := range entries {
		m := stampRE.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() { // ReadDir does not follow symlinks: IsDir is false for one
			continue
		}
		started, err := time.Parse(stampLayout, m[1])
		if err != nil {
			continue
		}
		seq := 1
		if m[2] != "" {
			seq, _ = strconv.Atoi(m[2])
		}
		if fi, err := os.Lstat(filepath.Join(base, e.Name(), fileOf(FormatJSON))); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		out = append(out, Folder{Name: e.Name(), Started: started, seq: seq})
	}
	// By time, then by N: a plain string sort would put STAMP-10 before STAMP-2.
	slices.SortFunc(out, func(a, b Folder) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	return out, nil
}

// Retention says which report folders a project keeps: the newest Count, or those
// started within Age of now. The zero value keeps everything.
type Retention struct {
	Count int
	Age   time.Duration
}

// Enabled reports whether the retention removes anything at all.
func (r Retention) Enabled() bool { return r.Count > 0 || r.Age > 0 }

// Prune removes the report folders of base that r does not keep, never the folder
// keep (the one just written), and returns the names removed. Only complete report
// folders are candidates (see Folders). A folder is first renamed to a temporary name,
// so a removal cut short leaves no folder that looks like a report (removeStale tidies
// it later), and `latest` never points into a half-removed one.
func Prune(base, keep string, r Retention, now time.Time) ([]string, error) {
	if !r.Enabled() {
		return nil, nil
	}
	folders, err := Folders(base)
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for i, f := range folders {
		newer := len(folders) - 1 - i // folders newer than f
		switch {
		case f.Name == keep:
			continue
		case r.Count > 0 && newer < r.Count:
			continue
		case r.Age > 0 && now.Sub(f.Started) <= r.Age:
			continue
		}
		if err := removeFolder(base, f.Name); err != nil {
			errs = append(errs, err)
			continue
		}
		removed = append(removed, f.Name)
	}
	return removed, errors.Join(errs...)
}

func removeFolder(base, name string) error {
	// A name no one else uses (os.Rename will not replace a folder, even an empty one).
	tmp := filepath.Join(base, fmt.Sprintf("%sremoving-%s-%d-%d", tempPrefix, name, os.Getpid(), time.Now().UnixNano()))
	if err := os.Rename(filepath.Join(base, name), tmp); err != nil {
		return fmt.Errorf("remove old report %s: %w", name, err)
	}
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove old report %s: %w", name, err)
	}
	return nil
}

// symlink is os.Symlink; a test replaces it to see the fallback of file systems without.
var symlink = os.Symlink

// UpdateLatest points base/latest at the newest complete report folder of base and
// returns its name ("" when there is none; latest is then left as it was). The link is
// made under a temporary name and renamed over latest, so a reader sees the old target
// or the new one, never none. Where symlinks cannot be made (some file systems), latest
// is a file holding the folder's name and a newline, replaced the same way.
func UpdateLatest(base string) (string, error) {
	folders, err := Folders(base)
	if err != nil || len(folders) == 0 {
		return "", err
	}
	name := folders[len(folders)-1].Name
	dst := filepath.Join(base, LatestName)
	// A relative target: the project folder can be moved or mounted elsewhere.
	tmp := filepath.Join(base, fmt.Sprintf("%slatest-%d-%d", tempPrefix, os.Getpid(), time.Now().UnixNano()))
	if err := symlink(name, tmp); err == nil {
		if err := os.Rename(tmp, dst); err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("update %s: %w", LatestName, err)
		}
		return name, syncDir(base)
	}
	f, err := os.CreateTemp(base, tempPrefix+"latest-")
	if err != nil {
		return "", fmt.Errorf("update %s: %w", LatestName, err)
	}
	_, werr := f.WriteString(name + "\n")
	serr := f.Sync()
	if err := errors.Join(werr, serr, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("update %s: %w", LatestName, err)
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("update %s: %w", LatestName, err)
	}
	return name, syncDir(base)
}
