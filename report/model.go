// Package report holds the report model (versioned JSON, the single source of truth)
// and the writers that render it as Markdown and HTML.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

// SchemaVersion is the version of the JSON layout below. Bump it on any change that an
// older reader would misread.
//
// 2: a finding may carry a count (checks.Finding.Count). Version 1 reports have none,
// so every finding in them counts one, which is what they meant: they still read.
//
// 3: findings identical on several nodes are one finding with the nodes in "nodes"
// (checks.Finding.Nodes); results and findings of database-scoped checks name their
// database; a node lists the databases the run looked at. Older reports are upgraded
// when read: each finding's "node" becomes its node list, and identical ones merge.
const SchemaVersion = 3

// oldestReadable is the oldest schema version Read accepts.
const oldestReadable = 1

// Report is one run of pgcheckup.
type Report struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	Project       string    `json:"project"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	Options       Options   `json:"options"`
	Nodes         []Node    `json:"nodes"`
	Checks        []Check   `json:"checks"`
	// Interrupted: a signal stopped the run; checks not run say so in their reason.
	Interrupted bool `json:"interrupted,omitempty"`
	// Changes compares the run with the previous report of the same project and cluster
	// (see diff.go); absent when there was none. Optional: older readers ignore it.
	Changes *Changes `json:"changes,omitempty"`
}

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Options records the privacy-relevant choices of the run, so a reader knows what the
// report may contain.
type Options struct {
	QueryText   string `json:"query_text"` // normalized, none or raw
	Anonymized  bool   `json:"anonymized"`
	RoundCounts bool   `json:"round_counts"`
	Masked      bool   `json:"masked"` // site masking rules were applied
	// DefinitionLiterals: definitions keep their literals (opt-in); otherwise each
	// literal is a placeholder ($1, $2, ...).
	DefinitionLiterals bool `json:"definition_literals"`
}

// Node is one server of the cluster.
type Node struct {
	Name string `json:"name"`
	Host string `json:"host"`
	// SystemID is the cluster's system identifier, shared by a primary and its
	// standbys and stable across runs; empty when the role could not read it.
	SystemID   string `json:"system_identifier,omitempty"`
	Database   string `json:"database,omitempty"`
	Role       string `json:"role,omitempty"` // primary or standby
	Version    string `json:"version,omitempty"`
	VersionNum int    `json:"version_num,omitempty"`
	InRecovery bool   `json:"in_recovery"`
	User       string `json:"user,omitempty"`
	Superuser  bool   `json:"superuser"`
	PGMonitor  bool   `json:"pg_monitor"`
	Error      string `json:"error,omitempty"` // why the node could not be checked
	// DiscoveredFrom names the node whose pg_stat_replication listed this one (--discover).
	DiscoveredFrom string `json:"discovered_from,omitempty"`
	// Databases are the databases database-scoped checks ran in (or were meant to), in
	// the order they were checked.
	Databases []Database `json:"databases,omitempty"`
	// DatabasesLeftOut counts the databases beyond the run's cap (max_databases).
	DatabasesLeftOut int `json:"databases_left_out,omitempty"`
}

// Database is one database of a node, as the run saw it.
type Database struct {
	Name string `json:"name"`
	// Skipped says why database-scoped checks did not run in it (CONNECT revoked, the
	// connection refused); empty when they ran.
	Skipped string `json:"skipped,omitempty"`
}

// Check is one check's results across nodes.
type Check struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Scope    string           `json:"scope"`
	Results  []Result         `json:"results"`
	Findings []checks.Finding `json:"findings"`
}

// Result is how a check ended on one node, with its data.
type Result struct {
	Node string `json:"node"`
	// Database is the database a database-scoped check ran in.
	Database   string        `json:"database,omitempty"`
	Status     checks.Status `json:"status"`
	Reason     string        `json:"reason,omitempty"`
	Hint       string        `json:"hint,omitempty"`
	DurationMS float64       `json:"duration_ms"`
	// Connection numbers the node's connection the check ran on: 1, or more after the
	// connection dropped and was replaced mid-run, or for a check that runs on a session
	// of its own (L003) and the checks after it.
	Connection int `json:"connection,omitempty"`
	// SameAs names the node whose result stands for this one: a standby skips a check
	// that reads only replicated data when its primary is in the run
	// (checks.Meta.Replicated); its data and findings are the primary's.
	SameAs string          `json:"same_as,omitempty"`
	Data   json.RawMessage `json:"data,omitempty"`
	// Outcome is the check's typed outcome while a run assembles the report: the
	// pipeline compares and sanitizes it by type, then encodes Data from it once. It is
	// never written, and absent from a report read from a file.
	Outcome *checks.Outcome `json:"-"`
}

// Write writes r as indented JSON.
func (r *Report) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// Read reads a report written by Write and validates it (see Validate): the file may
// come from someone else.
func Read(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := decode(f) // one check at a time: see read.go
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	if r.SchemaVersion < oldestReadable || r.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("read report %s: schema version %d, this pgcheckup reads %d to %d", path, r.SchemaVersion, oldestReadable, SchemaVersion)
	}
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("read report %s: %w", path, err)
	}
	return r, nil
}

// FindingRef is a finding with the check it came from.
type FindingRef struct {
	CheckID string
	Title   string
	checks.Finding
}

// MergeFindings merges findings that are the same on several nodes (same code, severity,
// database, texts, objects and count) into one, whose Nodes lists every node that
// reported it, in the order they were first reported. A merged finding's Node is empty.
// Findings that already carry Nodes (from Compare, or merged before) keep them.
func MergeFindings(in []checks.Finding) []checks.Finding {
	type key struct {
		code, db, conclusion, rec string
		sev                       checks.Severity
		count                     int
		objects                   string
	}
	out := []checks.Finding{}
	at := map[key]int{}
	for _, f := range in {
		nodes := f.Nodes
		if f.Node != "" {
			nodes = []string{f.Node}
		}
		objs, _ := json.Marshal(f.Objects)
		k := key{f.Code, f.Database, f.Conclusion, f.Recommendation, f.Severity, f.Count, string(objs)}
		if i, ok := at[k]; ok && f.Node != "" {
			out[i].Nodes = append(out[i].Nodes, f.Node)
			continue
		}
		f.Node, f.Nodes = "", slices.Clone(nodes)
		if f.Nodes == nil && len(nodes) == 0 {
			f.Nodes = nil
		}
		at[k] = len(out)
		out = append(out, f)
	}
	return out
}

// Merged returns a check's findings, each with the check's ID and title.
func (c *Check) Merged() []FindingRef {
	out := make([]FindingRef, 0, len(c.Findings))
	for _, f := range MergeFindings(c.Findings) {
		out = append(out, FindingRef{CheckID: c.ID, Title: c.Title, Finding: f})
	}
	return out
}

// Findings lists every finding (merged across nodes), most severe first, then by check ID.
func (r *Report) Findings() []FindingRef {
	var out []FindingRef
	for i := range r.Checks {
		out = append(out, r.Checks[i].Merged()...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return out[i].CheckID < out[j].CheckID
	})
	return out
}

// Count returns how many objects the findings of severity s stand for, merged across
// nodes: a finding counts its Weight, so the rows a check found beyond its listing count
// too.
func (r *Report) Count(s checks.Severity) int {
	n := 0
	for _, f := range r.Findings() {
		if f.Severity == s {
			n += f.Weight()
		}
	}
	return n
}

// CountAtLeast returns how many objects the findings of severity s or worse stand for.
func (r *Report) CountAtLeast(s checks.Severity) int {
	n := 0
	for _, f := range r.Findings() {
		if f.Severity >= s {
			n += f.Weight()
		}
	}
	return n
}

// Errors counts check results that ended in error.
func (r *Report) Errors() int {
	n := 0
	for _, c := range r.Checks {
		for _, res := range c.Results {
			if res.Status == checks.StatusError {
				n++
			}
		}
	}
	return n
}
