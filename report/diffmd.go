package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// writeChanges writes the "Changes since" section of a report that carries a comparison
// with the previous run; nothing when it carries none.
func writeChanges(b *bytes.Buffer, r *Report) {
	if r.Changes != nil {
		WriteChanges(b, r.Changes, "##")
	}
}

// WriteChanges writes c as Markdown under a heading of level h ("#", "##"). Every name
// comes from a report and is escaped.
func WriteChanges(b *bytes.Buffer, c *Changes, h string) {
	fmt.Fprintf(b, "%s %s\n\n", h, changesHeading(c))
	fmt.Fprintf(b, "Compared with the report of %s (%s earlier)", c.Since.UTC().Format("2006-01-02 15:04:05"), elapsed(c.Days))
	if c.Previous != "" {
		fmt.Fprintf(b, ", folder %s", checks.Code(c.Previous))
	}
	fmt.Fprintf(b, ": %d new, %d resolved, %d changed in severity, %d unchanged.\n\n",
		len(c.New), len(c.Resolved), len(c.Severity), c.Unchanged)
	if c.Empty() {
		b.WriteString("No finding is new, resolved or changed in severity.\n\n")
	}
	if len(c.NotCompared) > 0 {
		ids := make([]string, len(c.NotCompared))
		for i, id := range c.NotCompared {
			ids[i] = checks.Esc(id)
		}
		fmt.Fprintf(b, "Not compared (not run in one of the reports, ended in error or skipped): %s.\n\n", strings.Join(ids, ", "))
	}
	for _, part := range []struct {
		title string
		list  []FindingChange
	}{{"New", c.New}, {"Resolved", c.Resolved}, {"Changed in severity", c.Severity}} {
		if len(part.list) == 0 {
			continue
		}
		fmt.Fprintf(b, "**%s**\n\n", part.title)
		for _, f := range part.list {
			sev := fmt.Sprintf("**%s**", f.Severity)
			if f.Was != nil {
				sev = fmt.Sprintf("**%s** (was %s)", f.Severity, f.Was)
			}
			fmt.Fprintf(b, "- %s %s%s\n", sev, checks.Code(f.Code), findingPlace(f))
		}
		b.WriteString("\n")
	}
	if len(c.Metrics) == 0 {
		return
	}
	b.WriteString("**Largest changes**\n\n| Figure | Object | Before | Now | Change | Per day |\n|---|---|---|---|---|---|\n")
	for _, m := range c.Metrics {
		obj := checks.Code(string(m.Object))
		if m.Database != "" {
			obj += " in " + checks.Code(m.Database)
		}
		perDay := "–"
		if m.PerDay != nil {
			perDay = signed(m.Unit, *m.PerDay)
			if m.DaysLeft != nil {
				perDay += fmt.Sprintf(" (full in %.0f days)", *m.DaysLeft)
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", checks.Esc(m.Metric), obj, amount(m.Unit, m.Old), amount(m.Unit, m.New),
			signed(m.Unit, m.Delta), perDay)
	}
	b.WriteString("\n")
}

func changesHeading(c *Changes) string {
	return "Changes since " + c.Since.UTC().Format("2006-01-02 15:04:05 UTC")
}

// changesAnchor is the id of the report's "Changes since" heading, for the HTML page's
// navigation; empty when the report has no comparison.
func changesAnchor(r *Report) string {
	if r.Changes == nil {
		return ""
	}
	return slug(changesHeading(r.Changes))
}

// findingPlace says where and what a finding is about: " in `db` on node1: `a`, `b`".
func findingPlace(f FindingChange) string {
	var s strings.Builder
	if f.Database != "" {
		s.WriteString(" in " + checks.Code(f.Database))
	}
	if len(f.Nodes) > 0 {
		names := make([]string, len(f.Nodes))
		for i, n := range f.Nodes {
			names[i] = checks.Esc(n)
		}
		s.WriteString(" on " + strings.Join(names, ", "))
	}
	if len(f.Objects) > 0 {
		names := make([]string, len(f.Objects))
		for i, o := range f.Objects {
			names[i] = checks.Code(string(o))
		}
		s.WriteString(": " + strings.Join(names, ", "))
	}
	if f.Count > 1 {
		fmt.Fprintf(&s, " (%s)", num(f.Count))
	}
	return s.String()
}

func amount(unit string, v float64) string {
	switch unit {
	case "bytes":
		return checks.Bytes(int64(v))
	case "percent":
		return fmt.Sprintf("%.2f%%", v)
	}
	return num(math.Round(v))
}

func signed(unit string, v float64) string {
	if v > 0 {
		return "+" + amount(unit, v)
	}
	return amount(unit, v)
}

// elapsed says how long ago, in days, hours or minutes.
func elapsed(days float64) string {
	switch {
	case days >= 2:
		return fmt.Sprintf("%.1f days", days)
	case days*24 >= 1:
		return fmt.Sprintf("%.1f hours", days*24)
	}
	return fmt.Sprintf("%.0f minutes", days*24*60)
}
