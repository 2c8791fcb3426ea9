package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// maxPreviousTried bounds how many older report folders a run reads looking for one of
// the same cluster: a project folder may hold years of history.
const maxPreviousTried = 20

// attachChanges compares rep with the newest earlier report in the project folder of the
// same cluster and databases, made with the same privacy options, and stores the
// comparison in rep.Changes (rendered as "Changes since ..."). No such report, or an
// interrupted run, leaves rep as it is: a comparison is a convenience, never a reason to
// fail a run. Every name in the comparison passes clean (the run's privacy rules): a
// resolved finding's names come from the earlier report alone, which older masking
// rules may have let through.
func attachChanges(rep *report.Report, projectDir string, clean func(string) string, log *slog.Logger) {
	if rep.Interrupted {
		return // checks not run would show as resolved
	}
	prev, name := previousReport(rep, projectDir, log)
	if prev == nil {
		return
	}
	rep.Changes = report.Diff(prev, rep)
	rep.Changes.Previous = name
	scrub(rep.Changes, clean)
	log.Debug("compared with the previous report", "dir", name, "new", len(rep.Changes.New),
		"resolved", len(rep.Changes.Resolved), "severity_changed", len(rep.Changes.Severity))
}

// scrub passes every name of c through clean.
func scrub(c *report.Changes, clean func(string) string) {
	for _, l := range [][]report.FindingChange{c.New, c.Resolved, c.Severity} {
		for i := range l {
			f := &l[i]
			f.Database = clean(f.Database)
			f.Nodes = slices.Clone(f.Nodes)
			for j := range f.Nodes {
				f.Nodes[j] = clean(f.Nodes[j])
			}
			f.Objects = slices.Clone(f.Objects)
			for j := range f.Objects {
				f.Objects[j] = checks.Name(clean(string(f.Objects[j])))
			}
		}
	}
	for i := range c.Metrics {
		c.Metrics[i].Database = clean(c.Metrics[i].Database)
		c.Metrics[i].Object = checks.Name(clean(string(c.Metrics[i].Object)))
	}
}

// previousReport finds the newest complete report in dir that started before rep, of
// the same cluster and databases and with the same privacy options. Report folders are
// named by their start time, so the newest come first by name; hidden folders are
// reports still being written (or abandoned), and symbolic links (latest) point at a
// folder that is read anyway.
func previousReport(rep *report.Report, dir string, log *slog.Logger) (*report.Report, string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, ""
	}
	sort.Slice(entries, func(i, j int) bool {
		a, na := folderOrder(entries[i].Name())
		b, nb := folderOrder(entries[j].Name())
		if a != b {
			return a > b
		}
		return na > nb
	})
	tried := 0
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		path := filepath.Join(dir, e.Name(), "report.json")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		if tried++; tried > maxPreviousTried {
			break
		}
		old, err := report.Read(path)
		if err != nil {
			log.Debug("an earlier report could not be read; not compared with it", "dir", e.Name(), "error", err)
			continue
		}
		switch {
		case old.Interrupted, !old.StartedAt.Before(rep.StartedAt):
		case old.Options != rep.Options:
			// Names in one could be anonymized or masked and not in the other: comparing
			// would show every finding as changed, or copy names the new report hides.
			log.Debug("an earlier report was made with other privacy options; not compared with it", "dir", e.Name())
		case !sameCluster(old, rep):
		default:
			return old, e.Name()
		}
	}
	return nil, ""
}

// folderOrder splits a report folder's name into its time stamp and its number among
// runs started in the same second (STAMP, STAMP-2, ... STAMP-10), so they sort by time.
func folderOrder(name string) (string, int) {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if n, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i], n
		}
	}
	return name, 1
}

// sameCluster: the same system identifiers when both reports have them (a standby added
// or a host renamed is the same cluster), else the same node hosts; and the same
// databases checked.
func sameCluster(a, b *report.Report) bool {
	ids := func(r *report.Report) []string {
		var out []string
		for _, n := range r.Nodes {
			if n.SystemID != "" {
				out = append(out, n.SystemID)
			}
		}
		return set(out)
	}
	hosts := func(r *report.Report) []string {
		var out []string
		for _, n := range r.Nodes {
			out = append(out, n.Host)
		}
		return set(out)
	}
	dbs := func(r *report.Report) []string {
		var out []string
		for _, n := range r.Nodes {
			for _, d := range n.Databases {
				out = append(out, d.Name)
			}
		}
		return set(out)
	}
	ia, ib := ids(a), ids(b)
	if len(ia) > 0 && len(ib) > 0 {
		if !slices.Equal(ia, ib) {
			return false
		}
	} else if !slices.Equal(hosts(a), hosts(b)) {
		return false
	}
	return slices.Equal(dbs(a), dbs(b))
}

// set sorts and deduplicates.
func set(s []string) []string {
	sort.Strings(s)
	return slices.Compact(s)
}
