package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/report"
)

// A cluster's status in the fleet's index.
const (
	statusOK          = "ok"           // every check ran; no P1 to P3 finding
	statusFindings    = "findings"     // every check ran; P1, P2 or P3 findings
	statusUnreachable = "unreachable"  // no node could be reached: no report
	statusErrors      = "errors"       // some checks or nodes failed, or the report was not written
	statusInterrupted = "interrupted"  // a signal stopped it (or it never started)
	statusConfigError = "config_error" // its configuration is wrong: it did not run
)

// fleetIndex is index.json, the fleet run's source of truth; index.md and index.html
// are rendered from the file alone.
type fleetIndex struct {
	Project          string       `json:"project"`
	ToolVersion      string       `json:"tool_version"`
	StartedAt        time.Time    `json:"started_at"`
	DurationSeconds  float64      `json:"duration_seconds"`
	ParallelClusters int          `json:"parallel_clusters"`
	ExitCode         int          `json:"exit_code"` // the worst of the clusters' (fleetExitOrder)
	Clusters         []indexEntry `json:"clusters"`
}

type indexEntry struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	ExitCode int    `json:"exit_code"` // what `run` would exit with for this cluster alone
	// Report is the cluster's report folder, relative to the index ("" when none).
	Report string `json:"report,omitempty"`
	// Page and Markdown are its report.html and report.md, relative to the index, when
	// those formats were written.
	Page            string          `json:"page,omitempty"`
	Markdown        string          `json:"markdown,omitempty"`
	DurationSeconds float64         `json:"duration_seconds"`
	Counts          *severityCounts `json:"counts,omitempty"` // findings, as the report's summary counts them
	CheckErrors     int             `json:"check_errors"`
	Nodes           int             `json:"nodes"`
	NodesReachable  int             `json:"nodes_reachable"`
	Error           string          `json:"error,omitempty"`
	// Changes since the cluster's previous report (the run's own comparison, see
	// report.Diff); null when there was none to compare with.
	Changes *fleetChanges `json:"changes"`
}

type severityCounts struct {
	P1 int `json:"P1"`
	P2 int `json:"P2"`
	P3 int `json:"P3"`
}

// fleetChanges sums up what changed since a cluster's previous report.
type fleetChanges struct {
	Since           time.Time `json:"since"`
	New             int       `json:"new"`
	Resolved        int       `json:"resolved"`
	SeverityChanged int       `json:"severity_changed"`
}

const indexJSON, indexMD, indexHTML = "index.json", "index.md", "index.html"

// writeIndex writes index.json, then renders index.md and index.html from the file as
// written. Each file replaces the last run's whole (written aside, then renamed).
func writeIndex(dir string, idx *fleetIndex) error {
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	if err := replaceFile(filepath.Join(dir, indexJSON), append(b, '\n')); err != nil {
		return err
	}
	saved, err := readIndex(filepath.Join(dir, indexJSON))
	if err != nil {
		return err
	}
	if err := replaceFile(filepath.Join(dir, indexMD), []byte(indexMarkdown(saved))); err != nil {
		return err
	}
	page, err := indexPage(saved)
	if err != nil {
		return err
	}
	return replaceFile(filepath.Join(dir, indexHTML), page)
}

func readIndex(path string) (*fleetIndex, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var idx fleetIndex
	if err := json.Unmarshal(b, &idx); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &idx, nil
}

func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".index-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(report.FileMode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// indexMarkdown renders the index as one table.
func indexMarkdown(idx *fleetIndex) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Fleet %s\n\n", mdCell(idx.Project))
	fmt.Fprintf(&b, "Started %s, took %.1f s, %d clusters, at most %d at once; exit code %d.\n\n",
		idx.StartedAt.Format(time.RFC3339), idx.DurationSeconds, len(idx.Clusters), idx.ParallelClusters, idx.ExitCode)
	b.WriteString("| Cluster | Status | P1 | P2 | P3 | Check errors | Nodes | Time (s) | Changes | Report |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|---|---|\n")
	for _, e := range idx.Clusters {
		p1, p2, p3 := counts(e)
		rep := "—"
		switch {
		case e.Markdown != "":
			rep = "[" + mdCell(e.Report) + "](" + e.Markdown + ")"
		case e.Report != "":
			rep = mdCell(e.Report)
		}
		status := e.Status
		if e.Error != "" {
			status += ": " + e.Error
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %d/%d | %.1f | %s | %s |\n", mdCell(e.Name), mdCell(status),
			p1, p2, p3, e.CheckErrors, e.NodesReachable, e.Nodes, e.DurationSeconds, mdCell(changesText(e.Changes)), rep)
	}
	return b.String()
}

func counts(e indexEntry) (p1, p2, p3 string) {
	if e.Counts == nil {
		return "—", "—", "—"
	}
	return fmt.Sprint(e.Counts.P1), fmt.Sprint(e.Counts.P2), fmt.Sprint(e.Counts.P3)
}

func changesText(c *fleetChanges) string {
	if c == nil {
		return "not compared"
	}
	return fmt.Sprintf("since %s: %d new, %d resolved, %d changed severity", c.Since.Format("2006-01-02 15:04"), c.New, c.Resolved, c.SeverityChanged)
}

// mdCell keeps a value inside its table cell: no line breaks, pipes or markup.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}
