package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// A run compares with the newest earlier report of its cluster and databases made with
// the same privacy options, skipping interrupted ones, later ones, other clusters and
// other options; STAMP-10 is newer than STAMP-9.
func TestPreviousReport(t *testing.T) {
	out := t.TempDir()
	t0 := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	node := func(id, host string, dbs ...string) report.Node {
		n := report.Node{Name: "primary", Host: host, SystemID: id, Role: "primary"}
		for _, d := range dbs {
			n.Databases = append(n.Databases, report.Database{Name: d})
		}
		return n
	}
	write := func(start time.Time, mod func(*report.Report)) string {
		t.Helper()
		r := &report.Report{SchemaVersion: report.SchemaVersion, Project: "p", StartedAt: start,
			Nodes: []report.Node{node("1", "a", "shop", "postgres")},
			Checks: []report.Check{{ID: "H004", Findings: []checks.Finding{{Code: "H004/duplicate-index", Severity: checks.P3,
				Objects: []checks.Name{checks.Name(start.Format(time.TimeOnly))}}}}}}
		if mod != nil {
			mod(r)
		}
		dir, err := report.WriteRun(out, r, []string{"json"})
		if err != nil {
			t.Fatal(err)
		}
		return filepath.Base(dir)
	}
	for range 9 { // STAMP, STAMP-2, ... STAMP-9: all in one second
		write(t0, nil)
	}
	want := write(t0.Add(time.Millisecond), nil) // STAMP-10, the newest of that second
	if want != "20261101T030000Z-10" {
		t.Fatalf("folder %s", want)
	}
	write(t0.Add(time.Minute), func(r *report.Report) { r.Interrupted = true })
	write(t0.Add(2*time.Minute), func(r *report.Report) { r.Options.Anonymized = true })
	write(t0.Add(3*time.Minute), func(r *report.Report) { r.Nodes = []report.Node{node("2", "a", "shop", "postgres")} })
	write(t0.Add(4*time.Minute), func(r *report.Report) { r.Nodes = []report.Node{node("1", "a", "shop")} })
	write(t0.Add(time.Hour), nil) // after the run

	// The same cluster by system identifier, from another host, with a standby added.
	now := &report.Report{Project: "p", StartedAt: t0.Add(30 * time.Minute),
		Nodes:  []report.Node{node("1", "b", "postgres", "shop"), node("1", "c", "shop", "postgres")},
		Checks: []report.Check{{ID: "H004", Results: []report.Result{{Node: "primary", Status: checks.StatusOK}}}}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The names of the comparison pass the run's privacy rules: here a mask of "03:".
	mask := func(s string) string { return strings.ReplaceAll(s, "03:", "**:") }
	attachChanges(now, filepath.Join(out, "p"), mask, log)
	if now.Changes == nil || now.Changes.Previous != want || len(now.Changes.New) != 0 || len(now.Changes.Resolved) != 1 ||
		now.Changes.Resolved[0].Objects[0] != "**:00:00" {
		t.Fatalf("compared with %+v, want %s", now.Changes, want)
	}
	// Without system identifiers, hosts decide.
	now = &report.Report{Project: "p", StartedAt: t0.Add(30 * time.Minute), Nodes: []report.Node{node("", "b", "shop", "postgres")}}
	if attachChanges(now, filepath.Join(out, "p"), mask, log); now.Changes != nil {
		t.Errorf("another host without system identifier compared with %s", now.Changes.Previous)
	}
	// The same host: the newest of host a (the one of another system identifier counts,
	// as this run could not read its own).
	now.Nodes[0].Host = "a"
	if attachChanges(now, filepath.Join(out, "p"), mask, log); now.Changes == nil || now.Changes.Previous != "20261101T030300Z" {
		t.Errorf("the same host: %+v", now.Changes)
	}
}
