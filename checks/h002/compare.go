package h002

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// ReplacesNodeFindings implements checks.Replacer: an index is unused only if no node
// used it, so the report keeps Compare's verdicts instead of each node's.
func (c *Check) ReplacesNodeFindings() bool { return true }

// Compare implements checks.Comparer. It is called once per database with the outcome of
// every node of the report.
func (c *Check) Compare(outs []checks.NodeOutcome) []checks.Finding { return compare(outs) }

// node is one node whose scans were read.
type node struct {
	name    string
	primary bool
	d       Data
	unused  map[checks.Definition]Index
	large   map[checks.Definition]Index
}

// state is what a node says about one index.
type state int

const (
	zero    state = iota // no scans, listed
	counted              // scans listed (Large)
	used                 // scanned: not among the node's indexes without scans, which are all listed
	unknown              // beyond the node's listing: not known
)

// scans returns what n knows of the scans of ix (seen on another node).
func (n node) scans(ix Index) (state, int64) {
	if l, ok := n.large[ix.Ident]; ok {
		if l.IdxScan == 0 {
			return zero, 0
		}
		return counted, l.IdxScan
	}
	if _, ok := n.unused[ix.Ident]; ok {
		return zero, 0
	}
	// relpages and the listing's order (relpages, then oid) are the same on a primary and
	// its standbys: an index that would rank before the last one listed here is missing
	// because it was scanned here. A tie or a later rank is not known.
	if len(n.d.Indexes) >= n.d.Total || ix.RelPages > n.d.Indexes[len(n.d.Indexes)-1].RelPages {
		return used, 0
	}
	return unknown, 0
}

// compare judges every index by its scans on every node.
func compare(outs []checks.NodeOutcome) []checks.Finding {
	var seen []node
	var missing []string // "`node`: why", for nodes whose scans were not read or are too young
	systems := map[string]bool{}
	for _, o := range outs {
		name := checks.Code(o.Node.Name)
		d, why := dataOf(o)
		if why != "" {
			missing = append(missing, name+": "+why)
			continue
		}
		n := node{name: o.Node.Name, primary: !d.InRecovery, d: d,
			unused: map[checks.Definition]Index{}, large: map[checks.Definition]Index{}}
		for _, ix := range d.Indexes {
			n.unused[ix.Ident] = ix
		}
		for _, ix := range d.Large {
			n.large[ix.Ident] = ix
		}
		if d.TooYoung {
			missing = append(missing, fmt.Sprintf("%s: statistics too young (%s, under min_stats_age_days = %d)",
				name, ageText(d), d.MinStatsAgeDays))
		}
		if o.Node.SystemID != "" {
			systems[o.Node.SystemID] = true
		}
		seen = append(seen, n)
	}
	if len(systems) > 1 {
		return []checks.Finding{{Code: "H002/not-compared", Severity: checks.Info,
			Conclusion: "The nodes belong to different clusters (their system identifiers differ): an index of one is not " +
				"the index of another, so their scans cannot be added up and no index is judged unused.",
			Recommendation: "Run pgcheckup on each cluster (a primary with its own standbys) separately."}}
	}
	if len(seen) == 0 {
		return []checks.Finding{{Code: "H002/incomplete", Severity: checks.Info,
			Conclusion:     "No node's index scans could be read, so no index is judged: " + strings.Join(missing, "; ") + ".",
			Recommendation: "Fix what kept the check from running on the nodes and run it again."}}
	}
	complete := len(missing) == 0
	var out []checks.Finding
	if !complete {
		out = append(out, checks.Finding{Code: "H002/incomplete", Severity: checks.Info,
			Conclusion: "Index scans were not compared on every node: " + strings.Join(missing, "; ") + ". An index " +
				"without scans on the other nodes may be used there, so its verdict is unknown, and rarely used indexes " +
				"are not judged.",
			Recommendation: "Run pgcheckup again over every node of the cluster, once each node's statistics are old " +
				"enough, before dropping any index."})
	}
	judged := map[checks.Definition]bool{}
	for _, n := range seen {
		for _, ix := range n.d.Indexes {
			if judged[ix.Ident] {
				continue
			}
			judged[ix.Ident] = true
			if f := judgeUnused(ix, seen, complete, missing); f != nil {
				out = append(out, *f)
			}
		}
	}
	if complete {
		out = append(out, rarelyUsed(seen)...)
	}
	out = append(out, unlisted(seen, complete, len(outs))...)
	return out
}

// dataOf returns the node's data, or why there is none to judge from.
func dataOf(o checks.NodeOutcome) (Data, string) {
	switch {
	case o.Unreachable != "":
		return Data{}, o.Unreachable
	case o.Outcome == nil:
		return Data{}, fmt.Sprintf("the check did not run there (%s)", o.Status)
	case o.Outcome.Skip != nil:
		return Data{}, "skipped: " + o.Outcome.Skip.Reason
	}
	var d Data
	switch v := o.Outcome.Data.(type) {
	case Data:
		d = v
	case *Data:
		if v == nil {
			return Data{}, "no data"
		}
		d = *v
	default:
		return Data{}, "no data"
	}
	if !d.TrackCounts {
		return Data{}, "`track_counts` is off: scans are not counted"
	}
	return d, ""
}

// judgeUnused returns the finding for ix, listed without scans on at least one node.
func judgeUnused(ix Index, seen []node, complete bool, missing []string) *checks.Finding {
	var zeros, usedOn, unknownOn []string
	primaryZero := false
	var nodes []string
	for _, n := range seen {
		st, c := n.scans(ix)
		nodes = append(nodes, n.name)
		switch st {
		case zero:
			zeros = append(zeros, fmt.Sprintf("%s 0 %s", checks.Code(n.name), sinceShort(n.d)))
			primaryZero = primaryZero || n.primary
		case counted:
			usedOn = append(usedOn, fmt.Sprintf("%s (%s %s, %s)", checks.Code(n.name), checks.Thousands(c), plural(c, "scan"), sinceShort(n.d)))
		case used:
			usedOn = append(usedOn, checks.Code(n.name)+" (scanned: not among its indexes without scans)")
		case unknown:
			unknownOn = append(unknownOn, fmt.Sprintf("%s (not among the %d largest without scans listed there: raise `top_n`)",
				checks.Code(n.name), len(n.d.Indexes)))
		}
	}
	name := checks.Code(string(ix.Schema) + "." + string(ix.Name))
	objects := []checks.Name{ix.Schema + "." + ix.Name, ix.Schema + "." + ix.Table}
	if len(usedOn) > 0 {
		// Used somewhere: not unused. Worth a note only when the primary does not use it,
		// since that is where someone would drop it.
		if !primaryZero || ix.Small {
			return nil
		}
		return &checks.Finding{Code: "H002/used-on-standby-only", Severity: checks.Info, Nodes: nodes, Objects: objects,
			Conclusion: fmt.Sprintf("Index %s (%s) has no scans on the primary but is used on a standby: %s. Without "+
				"scans: %s.", name, size(ix), strings.Join(usedOn, ", "), strings.Join(zeros, ", ")),
			Recommendation: "Keep it: an index dropped on the primary is dropped on every standby too, and the queries " +
				"that use it there would lose it."}
	}
	if ix.Small && len(ix.SupportsFKs) == 0 {
		return nil
	}
	var c strings.Builder
	fmt.Fprintf(&c, "Index %s on %s (%s) has no scans on %s: %s.", name, checks.Code(string(ix.Schema)+"."+string(ix.Table)),
		size(ix), nodeWord(len(zeros), len(seen)), strings.Join(zeros, ", "))
	if len(unknownOn) > 0 {
		fmt.Fprintf(&c, " Not known on %s.", strings.Join(unknownOn, ", "))
	}
	if !complete {
		fmt.Fprintf(&c, " Not seen: %s.", strings.Join(missing, "; "))
	}
	if ix.Expressions {
		c.WriteString(" It indexes expressions: ANALYZE keeps statistics on them that the planner uses for estimates, " +
			"so dropping it can change plans even though it is never scanned.")
	}
	if len(ix.SupportsFKs) > 0 {
		fks := make([]string, len(ix.SupportsFKs))
		for i, f := range ix.SupportsFKs {
			fks[i] = checks.Code(string(f))
			objects = append(objects, f)
		}
		fmt.Fprintf(&c, " It supports foreign key %s; dropping it makes deletes/updates on the referenced table scan %s.",
			strings.Join(fks, ", "), checks.Code(string(ix.Schema)+"."+string(ix.Table)))
		return &checks.Finding{Code: "H002/unused-fk-index", Severity: checks.Info, Conclusion: c.String(), Nodes: nodes,
			Recommendation: "Keep it: it is not proposed for dropping. It is dead weight only if rows of the referenced " +
				"table are never deleted and their keys never updated.",
			Objects: objects}
	}
	if !complete || len(unknownOn) > 0 {
		return &checks.Finding{Code: "H002/unused-unknown", Severity: checks.Info, Conclusion: "Unknown whether it is used. " + c.String(),
			Nodes: nodes, Objects: objects,
			Recommendation: "Do not drop it on this evidence: it may be used where it was not seen. Run the check again " +
				"over every node once their statistics are old enough."}
	}
	return &checks.Finding{Code: "H002/unused-index", Severity: checks.P3, Conclusion: c.String(), Nodes: nodes, Objects: objects,
		Recommendation: "Check that no rare job (a month-end report, a yearly archive) needs it and that no node outside " +
			"this report (another standby) uses it, then: " + dropText(ix)}
}

// rarelyUsed finds large indexes with few scans, summed over every node, per write on
// the primary. Only called when every node was seen with old enough statistics.
func rarelyUsed(seen []node) []checks.Finding {
	var primary *node
	for i := range seen {
		if seen[i].primary {
			primary = &seen[i]
			break
		}
	}
	if primary == nil {
		return nil
	}
	ratio := primary.d.RareWritesPerScan
	var out []checks.Finding
	for _, ix := range primary.d.Large {
		if ix.SizeBytes != nil && *ix.SizeBytes < primary.d.RareMinSizeBytes || ix.Writes <= 0 || ratio <= 0 {
			continue
		}
		var total int64
		var per []string
		known := true
		for _, n := range seen {
			l, ok := n.large[ix.Ident]
			if !ok {
				known = false
				break
			}
			total += l.IdxScan
			last := ""
			if l.LastIdxScan != nil {
				last = ", last " + l.LastIdxScan.UTC().Format("2006-01-02 15:04") + " UTC"
			}
			per = append(per, fmt.Sprintf("%s %s%s", checks.Code(n.name), checks.Thousands(l.IdxScan), last))
		}
		// No scans at all is the unused verdict's; a node that did not list it is unknown.
		if !known || total == 0 || total*ratio >= ix.Writes {
			continue
		}
		name := checks.Code(string(ix.Schema) + "." + string(ix.Name))
		var c strings.Builder
		fmt.Fprintf(&c, "Index %s on %s (%s) is rarely used: %s %s in all (%s) against %s index-writing row "+
			"changes on the primary %s, one scan per %s writes (threshold: fewer than one per %s).", name,
			checks.Code(string(ix.Schema)+"."+string(ix.Table)), size(ix), checks.Thousands(total), plural(total, "scan"),
			strings.Join(per, ", "), checks.Thousands(ix.Writes), sinceShort(primary.d), checks.Thousands(ix.Writes/total),
			checks.Thousands(ratio))
		objects := []checks.Name{ix.Schema + "." + ix.Name, ix.Schema + "." + ix.Table}
		if len(ix.SupportsFKs) > 0 {
			fmt.Fprintf(&c, " It supports a foreign key (%d).", len(ix.SupportsFKs))
			objects = append(objects, ix.SupportsFKs...)
		}
		if ix.Expressions {
			c.WriteString(" It indexes expressions, whose statistics the planner also uses.")
		}
		if primary.large[ix.Ident].IdxScan == 0 {
			c.WriteString(" Its scans are all on standbys: dropped on the primary, it is gone there too.")
		}
		rec := "Find the queries that use it (pg_stat_statements, the slow-query log) before anything else: a rare scan " +
			"may be an important one (a nightly report, an admin lookup) that would become a full scan of a large table. " +
			"If none needs it, or another index serves them"
		if len(ix.SupportsFKs) > 0 {
			rec += " and the foreign key keeps an index"
		}
		rec += ", dropping it saves its writes: " + dropText(ix)
		nodes := make([]string, len(seen))
		for i, n := range seen {
			nodes[i] = n.name
		}
		out = append(out, checks.Finding{Code: "H002/rarely-used", Severity: checks.P3, Conclusion: c.String(),
			Recommendation: rec, Objects: objects, Nodes: nodes})
	}
	return out
}

// unlisted counts the indexes without scans beyond a node's listing: they cannot be
// matched across nodes, so with more than one node they are counted as info.
func unlisted(seen []node, complete bool, nodes int) []checks.Finding {
	var out []checks.Finding
	fk, large, unjudged, total, listed := 0, 0, 0, 0, 0
	for _, n := range seen {
		fk, large, unjudged = max(fk, n.d.UnlistedFK), max(large, n.d.UnlistedLarge), max(unjudged, n.d.Unjudged)
		if n.d.UnlistedFK+n.d.UnlistedLarge > 0 && n.d.Total > total {
			total, listed = n.d.Total, len(n.d.Indexes)
		}
	}
	what := fmt.Sprintf("the %d largest", listed)
	if f := checks.Unlisted("H002/unused-fk-index", checks.Info, fk, total, "indexes without scans", what); f != nil {
		f.Conclusion += " Those support a foreign key: they are not proposed for dropping."
		out = append(out, *f)
	}
	if large > 0 {
		sev, code := checks.P3, "H002/unused-index"
		note := fmt.Sprintf(" Those are at least %s by the catalog's page count; smaller ones make no finding.",
			checks.Bytes(seen[0].d.MinSizeBytes))
		if !complete || nodes > 1 {
			sev, code = checks.Info, "H002/unused-unknown"
			note += " Unlisted indexes are not compared across nodes, so whether they are used elsewhere is unknown."
		}
		if f := checks.Unlisted(code, sev, large, total, "indexes without scans", what); f != nil {
			f.Conclusion += note
			out = append(out, *f)
		}
	}
	if unjudged > 0 {
		out = append(out, checks.Finding{Code: "H002/not-judged", Severity: checks.Info, Count: unjudged,
			Conclusion: fmt.Sprintf("%s index(es) of partitioned tables without partitions yet were not judged: "+
				"nothing below them can be scanned, so no scan count can say whether they are needed.",
				checks.Thousands(int64(unjudged))),
			Recommendation: "Nothing to do now; they are judged once partitions are attached and queried."})
	}
	return out
}

// sinceShort says briefly since when a node counted: "since 2026-10-20 (40 days)".
func sinceShort(d Data) string {
	day := d.StatsSince.UTC().Format("2006-01-02")
	if d.StatsBasis == "stats_reset" {
		return fmt.Sprintf("since %s (%.0f days)", day, d.StatsAgeDays)
	}
	return fmt.Sprintf("since %s or earlier (at least %.0f days)", day, d.StatsAgeDays)
}

func ageText(d Data) string {
	if d.StatsBasis == "stats_reset" {
		return fmt.Sprintf("%.0f days", d.StatsAgeDays)
	}
	return fmt.Sprintf("at least %.0f days", d.StatsAgeDays)
}

func nodeWord(zeros, seen int) string {
	switch {
	case seen == 1:
		return "the one node of this report"
	case zeros == seen:
		return fmt.Sprintf("any of the %d nodes", seen)
	}
	return fmt.Sprintf("%d of the %d nodes read", zeros, seen)
}

func plural(n int64, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}
