package report

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

// This file compares two reports of one cluster: which findings are new, resolved or
// changed in severity, and which sizes and ages moved most. It is a pure function of the
// two reports, so `pgcheckup diff` and the "Changes since" section of a run agree.
// The identity of a finding is described in docs/diff.md.

// Changes is what changed from an older report to a newer one.
type Changes struct {
	Since time.Time `json:"since"` // the older report's start
	Until time.Time `json:"until"` // the newer report's start
	Days  float64   `json:"days"`  // between the two starts
	// Previous names the older report's folder (its time stamp), when it was found by
	// the run; empty from `pgcheckup diff`.
	Previous string          `json:"previous,omitempty"`
	New      []FindingChange `json:"new"`
	Resolved []FindingChange `json:"resolved"`
	Severity []FindingChange `json:"severity_changed"`
	// Unchanged counts the findings found in both with the same severity.
	Unchanged int `json:"unchanged"`
	// NotCompared lists the checks whose findings were not compared: not in one of the
	// reports (another --checks), ended in error in one, or skipped everywhere in one.
	// Their findings would otherwise show as resolved or new.
	NotCompared []string       `json:"not_compared,omitempty"`
	Metrics     []MetricChange `json:"metrics"`
}

// FindingChange is one finding, by its identity, with its severity (Was: the older one).
type FindingChange struct {
	Check string `json:"check"`
	Code  string `json:"code"`
	// Nodes is empty when the finding is on every node of the report (or speaks for the
	// cluster): "all nodes".
	Nodes    []string         `json:"nodes,omitempty"`
	Database string           `json:"database,omitempty"`
	Objects  []checks.Name    `json:"objects,omitempty"`
	Severity checks.Severity  `json:"severity"`
	Was      *checks.Severity `json:"was,omitempty"`
	Count    int              `json:"count,omitempty"`
	key      string
}

// Key is the finding's identity as one string (see docs/diff.md).
func (f FindingChange) Key() string { return f.key }

// NewAtLeast counts the new findings of severity s or worse, and those that rose to s or
// worse from below it: what `diff --fail-on-new` fails on. A finding counts its Weight.
func (c *Changes) NewAtLeast(s checks.Severity) int {
	n := 0
	for _, f := range c.New {
		if f.Severity >= s {
			n += max(f.Count, 1)
		}
	}
	for _, f := range c.Severity {
		if f.Severity >= s && f.Was != nil && *f.Was < s {
			n += max(f.Count, 1)
		}
	}
	return n
}

// Empty reports whether nothing changed in the findings.
func (c *Changes) Empty() bool {
	return len(c.New) == 0 && len(c.Resolved) == 0 && len(c.Severity) == 0
}

// identities lists a report's findings (merged across nodes) by identity. The identity
// is the check, the code, the nodes (none for all nodes reached), the database and the objects in
// their order; a finding without objects (a count of rows beyond a listing, a setting of
// the cluster) adds its severity, as such findings are split by severity. Texts and
// counts are not part of it: they carry figures that change from run to run. Two
// findings with one identity in one report (not written by pgcheckup's checks) are told
// apart by their order.
func identities(r *Report, compared map[string]bool) (map[string]FindingChange, []string) {
	out := map[string]FindingChange{}
	var order []string
	reached := 0 // an unreachable standby does not make the primary's findings its own
	for _, n := range r.Nodes {
		if n.Error == "" {
			reached++
		}
	}
	for _, fr := range r.Findings() {
		if !compared[fr.CheckID] {
			continue
		}
		f := fr.Finding
		nodes := slices.Clone(f.Nodes)
		if f.Node != "" && len(nodes) == 0 {
			nodes = []string{f.Node}
		}
		if len(nodes) >= reached {
			nodes = nil // all nodes: adding a standby does not change the finding
		}
		sort.Strings(nodes)
		parts := []string{fr.CheckID, f.Code, strings.Join(nodes, ","), f.Database}
		for _, o := range f.Objects {
			parts = append(parts, string(o))
		}
		if len(f.Objects) == 0 {
			parts = append(parts, "severity="+f.Severity.String())
		}
		key := strings.Join(quoteAll(parts), " ")
		for i, base := 2, key; ; i++ {
			if _, dup := out[key]; !dup {
				break
			}
			key = base + " #" + strconv.Itoa(i)
		}
		out[key] = FindingChange{Check: fr.CheckID, Code: f.Code, Nodes: nodes, Database: f.Database,
			Objects: f.Objects, Severity: f.Severity, Count: f.Count, key: key}
		order = append(order, key)
	}
	return out, order
}

// quoteAll quotes each part, so no name can make two identities one ("a b" + "c" is not
// "a" + "b c").
func quoteAll(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(p, `\`, `\\`), `"`, `\"`) + `"`
	}
	return out
}

// Diff compares old with new. Findings are listed most severe first, then by identity;
// metrics by kind, largest change first.
func Diff(old, new *Report) *Changes {
	c := &Changes{Since: old.StartedAt, Until: new.StartedAt, New: []FindingChange{}, Resolved: []FindingChange{},
		Severity: []FindingChange{}, Metrics: []MetricChange{}}
	c.Days = new.StartedAt.Sub(old.StartedAt).Hours() / 24
	ranOld, ranNew := ran(old), ran(new)
	compared := map[string]bool{}
	for id, ok := range ranNew {
		compared[id] = ok && ranOld[id]
	}
	for id := range ranOld {
		if !compared[id] {
			c.NotCompared = append(c.NotCompared, id)
		}
	}
	for id := range ranNew {
		if _, seen := ranOld[id]; !seen {
			c.NotCompared = append(c.NotCompared, id)
		}
	}
	sort.Strings(c.NotCompared)
	was, _ := identities(old, compared)
	now, order := identities(new, compared)
	for _, k := range order {
		f := now[k]
		o, ok := was[k]
		switch {
		case !ok:
			c.New = append(c.New, f)
		case o.Severity != f.Severity:
			s := o.Severity
			f.Was = &s
			c.Severity = append(c.Severity, f)
		default:
			c.Unchanged++
		}
	}
	for k, f := range was {
		if _, ok := now[k]; !ok {
			c.Resolved = append(c.Resolved, f)
		}
	}
	for _, l := range [][]FindingChange{c.New, c.Resolved, c.Severity} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Severity != l[j].Severity {
				return l[i].Severity > l[j].Severity
			}
			return l[i].key < l[j].key
		})
	}
	c.Metrics = diffMetrics(metrics(old), metrics(new), c.Days)
	return c
}

// ran says for each check of r whether it ran: no result ended in error, and not every
// result was skipped.
func ran(r *Report) map[string]bool {
	out := map[string]bool{}
	for _, c := range r.Checks {
		ok, skipped := true, 0
		for _, res := range c.Results {
			switch res.Status {
			case checks.StatusError:
				ok = false
			case checks.StatusSkipped:
				skipped++
			}
		}
		out[c.ID] = ok && (skipped == 0 || skipped < len(c.Results))
	}
	return out
}

// minDaysForRate: a rate per day from runs closer than this would mostly be noise.
const minDaysForRate = 1.0 / 24

// metricsPerKind is how many of the largest changes of each kind are kept.
const metricsPerKind = 5

func diffMetrics(old, new map[metricKey]float64, days float64) []MetricChange {
	var out []MetricChange
	for k, v := range new {
		o, ok := old[k]
		if !ok || o == v || math.IsNaN(v) || math.IsNaN(o) {
			continue // listings are top-N: an object entering one is not a change
		}
		m := MetricChange{Metric: k.kind, Unit: kinds[k.kind].unit, Database: k.db, Object: checks.Name(k.obj),
			Old: o, New: v, Delta: v - o}
		if days >= minDaysForRate {
			r := m.Delta / days
			m.PerDay = &r
			if k.kind == MetricSequenceUsed && r > 0 && v < 100 {
				left := (100 - v) / r
				m.DaysLeft = &left
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Metric != b.Metric {
			return kinds[a.Metric].order < kinds[b.Metric].order
		}
		if math.Abs(a.Delta) != math.Abs(b.Delta) {
			return math.Abs(a.Delta) > math.Abs(b.Delta)
		}
		return a.Database+"\x00"+string(a.Object) < b.Database+"\x00"+string(b.Object)
	})
	kept := out[:0]
	n := map[string]int{}
	for _, m := range out {
		if n[m.Metric] < metricsPerKind {
			kept = append(kept, m)
		}
		n[m.Metric]++
	}
	return kept
}
