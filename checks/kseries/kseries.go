// Package kseries is what the workload ranking checks K004-K008 share: the window's
// facts, one ranking table (the top statement groups by a measure plus one row for all
// the others, so the shares add up to 100%), rates per second and per call, and the skip
// when there is no workload view. Templates share "kseries.window" and "kseries.rows"
// (templates/kseries.md.tmpl).
package kseries

import (
	"fmt"
	"slices"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// DefaultBlockSize is the block size the checks convert blocks to bytes with. The
// workload view does not carry the server's block_size; PostgreSQL builds with another
// size are rare, and Listing.BlockSizeAssumed says the size was not read.
const DefaultBlockSize = 8192

// MaxNames is how many user and database names a row lists; the rest are counted.
const MaxNames = 5

// Units of a measure.
const (
	UnitBlocks checks.Label = "blocks"
	UnitBytes  checks.Label = "bytes"
)

// Window is what a report says about where a workload check's numbers come from.
type Window struct {
	Source checks.Label `json:"source"` // workload.Source*
	Reason checks.Text  `json:"reason,omitempty"`
	// Seconds is the length of the span the numbers cover (for "since reset", since the
	// statistics began); Start and End bound it.
	Seconds          float64    `json:"seconds"`
	Start            *time.Time `json:"start,omitempty"`
	End              *time.Time `json:"end,omitempty"`
	RequestedSeconds float64    `json:"requested_seconds,omitempty"`
	EndedEarly       bool       `json:"ended_early,omitempty"`
	// AttributedPercent is the share of the time seen that could be attributed to
	// statements (workload.Window.Attributed).
	AttributedPercent float64 `json:"attributed_percent"`
	Reset             bool    `json:"reset,omitempty"`
	// Deallocated is how many entries pg_stat_statements evicted in the window (nil
	// when the extension does not say: before 1.9).
	Deallocated *int64 `json:"deallocated,omitempty"`
	// LowerBound: some entries restarted inside the window; their numbers are at least
	// the ones shown.
	LowerBound       bool        `json:"lower_bound,omitempty"`
	ExtensionVersion checks.Text `json:"extension_version,omitempty"`
}

// WindowOf describes v's window.
func WindowOf(v *workload.View) Window {
	out := Window{Source: checks.Label(v.Source), Reason: checks.Text(v.Reason), RequestedSeconds: v.Requested.Seconds(),
		EndedEarly: v.EndedEarly}
	if w := v.Window; w != nil {
		start, end := w.Start, w.End
		out.Start, out.End, out.Seconds = &start, &end, w.Seconds
		out.AttributedPercent = 100 * w.Attributed
		out.Reset, out.LowerBound = w.Reset, w.Restarted > 0
		out.ExtensionVersion = checks.Text(w.ExtVersion)
		if w.Deallocated != nil {
			d := *w.Deallocated
			out.Deallocated = &d
		}
	}
	return out
}

// Row is one statement group (or, as Listing.Others, all the groups not listed).
type Row struct {
	// QueryID is the queryid of the group's part with the most time (0 for a hidden
	// statement or the others row); Parts counts the pg_stat_statements entries grouped
	// (the same query by several users, in several databases, top-level or nested).
	QueryID int64            `json:"queryid,string"`
	Parts   int              `json:"parts"`
	Hidden  bool             `json:"hidden,omitempty"` // another role's, text and queryid not visible
	Type    checks.Label     `json:"type,omitempty"`
	Query   checks.QueryText `json:"query,omitempty"`
	// Users and Databases name the parts' roles and databases (at most MaxNames each;
	// MoreUsers and MoreDatabases count the rest).
	Users         []checks.Name `json:"users,omitempty"`
	MoreUsers     int           `json:"more_users,omitempty"`
	Databases     []checks.Name `json:"databases,omitempty"`
	MoreDatabases int           `json:"more_databases,omitempty"`
	// LowerBound: a part's counters restarted inside the window (at least this much).
	LowerBound bool `json:"lower_bound,omitempty"`

	Calls  int64   `json:"calls"`
	TimeMS float64 `json:"time_ms"` // execution plus planning
	Rows   int64   `json:"rows"`
	// Value is the measure the listing ranks by, in Listing.Unit; Bytes is it in bytes
	// (blocks × block size); per second of the window and per call.
	Value          float64 `json:"value"`
	Bytes          float64 `json:"bytes"`
	BytesPerSecond float64 `json:"bytes_per_second"`
	BytesPerCall   float64 `json:"bytes_per_call"`
	SharePercent   float64 `json:"share_percent"` // of Listing.Total

	SharedHit  int64 `json:"shared_blks_hit"`
	SharedRead int64 `json:"shared_blks_read"`
	// HitPercent is shared_blks_hit / (hit + read); nil when the group touched no
	// shared block.
	HitPercent  *float64 `json:"hit_percent"`
	TempWritten int64    `json:"temp_blks_written"`
	WALBytes    float64  `json:"wal_bytes"`
	WALRecords  int64    `json:"wal_records"`
	WALFPI      int64    `json:"wal_fpi"`
	// GroupsInOthers is, for the others row, how many groups it sums.
	GroupsInOthers int `json:"groups,omitempty"`
}

// Listing is a K-series check's table.
type Listing struct {
	Window Window `json:"window"`
	// Measure names what the listing ranks by; Unit is its unit.
	Measure          checks.Label `json:"measure"`
	Unit             checks.Label `json:"unit"`
	BlockSize        int64        `json:"block_size"`
	BlockSizeAssumed bool         `json:"block_size_assumed,omitempty"`
	TopN             int          `json:"top_n"`
	// Groups is how many statement groups moved in the window (pgcheckup's own left
	// out), listed or not; Total is the measure summed over all of them.
	Groups              int     `json:"groups"`
	Total               float64 `json:"total"`
	TotalBytes          float64 `json:"total_bytes"`
	TotalBytesPerSecond float64 `json:"total_bytes_per_second"`
	// TotalHitPercent is the shared-buffer hit ratio of every statement in the window,
	// of TotalSharedHit and TotalSharedRead (blocks).
	TotalHitPercent *float64 `json:"total_hit_percent"`
	TotalSharedHit  int64    `json:"total_shared_blks_hit"`
	TotalSharedRead int64    `json:"total_shared_blks_read"`
	TotalCalls      int64    `json:"total_calls"`
	TotalWALRecords int64    `json:"total_wal_records"`
	TotalWALFPI     int64    `json:"total_wal_fpi"`
	Rows            []Row    `json:"rows"`
	// Others sums the groups not listed; nil when every group with some of the measure
	// is listed and the rest have none.
	Others *Row `json:"others"`
	// HitColumn asks the template for the hit-ratio column (K006-K008), WALColumn for
	// the WAL records and full-page images (K005).
	HitColumn bool `json:"hit_column,omitempty"`
	WALColumn bool `json:"wal_column,omitempty"`
}

// Spec says what one check ranks by.
type Spec struct {
	Measure checks.Label
	Unit    checks.Label
	Value   func(workload.Counters) float64
	TopN    int
	// HitColumn shows the hit ratio per row, WALColumn the WAL records and FPIs.
	HitColumn, WALColumn bool
}

// Build ranks v's statement groups by spec (workload.List) into a Listing. v must hold
// a Window (see Usable).
func Build(v *workload.View, spec Spec) Listing {
	out := Listing{Window: WindowOf(v), Measure: spec.Measure, Unit: spec.Unit, BlockSize: DefaultBlockSize,
		BlockSizeAssumed: spec.Unit == UnitBlocks, TopN: spec.TopN, HitColumn: spec.HitColumn, WALColumn: spec.WALColumn}
	l := workload.List(v, spec.Value, spec.TopN)
	secs := out.Window.Seconds
	toBytes := func(x float64) float64 {
		if spec.Unit == UnitBlocks {
			return x * float64(out.BlockSize)
		}
		return x
	}
	fill := func(r *Row, c workload.Counters) {
		r.Calls, r.TimeMS, r.Rows = c.Calls, c.TimeMS(), c.Rows
		r.Value = spec.Value(c)
		r.Bytes = toBytes(r.Value)
		r.BytesPerSecond = PerSecond(r.Bytes, secs)
		r.BytesPerCall = PerCall(r.Bytes, c.Calls)
		if l.Total > 0 {
			r.SharePercent = 100 * r.Value / l.Total
		}
		r.SharedHit, r.SharedRead, r.TempWritten = c.SharedHit, c.SharedRead, c.TempWritten
		r.HitPercent = HitPercent(c)
		r.WALBytes, r.WALRecords, r.WALFPI = c.WALBytes, c.WALRecords, c.WALFPI
	}
	for _, g := range l.Rows {
		r := Row{Type: g.Type, Query: g.Query, Parts: len(g.Parts)}
		r.QueryID, r.Hidden = mainPart(g)
		if r.Hidden {
			r.Query = ""
		}
		r.Users, r.MoreUsers = names(g.Parts, v.Users, func(d workload.EntryDelta) uint32 { return d.UserID })
		r.Databases, r.MoreDatabases = names(g.Parts, v.Databases, func(d workload.EntryDelta) uint32 { return d.DBID })
		for _, p := range g.Parts {
			r.LowerBound = r.LowerBound || p.Status == workload.Restarted
		}
		fill(&r, g.Counters)
		out.Rows = append(out.Rows, r)
	}
	out.Groups = len(l.Rows) + l.OthersGroups
	out.Total, out.TotalBytes = l.Total, toBytes(l.Total)
	out.TotalBytesPerSecond = PerSecond(out.TotalBytes, secs)
	// The totals of every group, listed or not (pgcheckup's own left out, as in the rows).
	all := l.Others
	for _, g := range l.Rows {
		all.Calls += g.Calls
		all.SharedHit += g.SharedHit
		all.SharedRead += g.SharedRead
		all.WALRecords += g.WALRecords
		all.WALFPI += g.WALFPI
	}
	out.TotalCalls, out.TotalWALRecords, out.TotalWALFPI = all.Calls, all.WALRecords, all.WALFPI
	out.TotalSharedHit, out.TotalSharedRead = all.SharedHit, all.SharedRead
	out.TotalHitPercent = HitPercent(all)
	if l.OthersGroups > 0 {
		r := Row{GroupsInOthers: l.OthersGroups}
		fill(&r, l.Others)
		out.Others = &r
	}
	return out
}

// mainPart is the queryid of g's part with the most time, and whether g is a hidden
// entry (another role's: no queryid, no text).
func mainPart(g workload.Group) (int64, bool) {
	if len(g.Parts) == 0 {
		return 0, false
	}
	best := g.Parts[0]
	for _, p := range g.Parts[1:] {
		if p.TimeMS() > best.TimeMS() {
			best = p
		}
	}
	if best.Hidden {
		return 0, true
	}
	return best.QueryID, false
}

// names lists the distinct names of the parts' oids (by time, as the parts come), at
// most MaxNames, and how many more there are. An oid that names nothing any more is
// shown as "oid N".
func names(parts []workload.EntryDelta, byOID map[uint32]checks.Name, oid func(workload.EntryDelta) uint32) ([]checks.Name, int) {
	var seen []uint32
	for _, p := range parts {
		if o := oid(p); !slices.Contains(seen, o) {
			seen = append(seen, o)
		}
	}
	var out []checks.Name
	for _, o := range seen {
		if len(out) == MaxNames {
			break
		}
		n, ok := byOID[o]
		if !ok {
			n = checks.Name(fmt.Sprintf("oid %d", o))
		}
		out = append(out, n)
	}
	return out, len(seen) - len(out)
}

// PerSecond is v over seconds (0 for an empty window).
func PerSecond(v, seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	return v / seconds
}

// PerCall is v over calls (0 without calls).
func PerCall(v float64, calls int64) float64 {
	if calls <= 0 {
		return 0
	}
	return v / float64(calls)
}

// HitPercent is the shared-buffer hit ratio of c in percent; nil when c touched no
// shared block.
func HitPercent(c workload.Counters) *float64 {
	if c.SharedHit+c.SharedRead <= 0 {
		return nil
	}
	p := 100 * float64(c.SharedHit) / float64(c.SharedHit+c.SharedRead)
	return &p
}

// Usable returns v when it holds a window to rank, else the skip to return: no view at
// all (the pipeline built none), or pg_stat_statements not readable (its Reason).
func Usable(target any) (*workload.View, *checks.Skip) {
	v, _ := target.(*workload.View)
	switch {
	case v == nil:
		return nil, &checks.Skip{Reason: "no workload view was built for this node (pg_stat_statements was not read)",
			Hint: hint}
	case v.Source == workload.SourceNone || v.Window == nil:
		reason := v.Reason
		if reason == "" {
			reason = "pg_stat_statements could not be read"
		}
		return nil, &checks.Skip{Reason: reason, Hint: hint}
	}
	return v, nil
}

const hint = "add pg_stat_statements to shared_preload_libraries (restart), then CREATE EXTENSION pg_stat_statements; " +
	"in the database pgcheckup connects to, and grant pg_read_all_stats (or pg_monitor) to its role"

// StatementName names a row in a finding: by queryid and type, never by text (texts
// stay in the table, where the query-text policy applies).
func StatementName(r Row) string {
	switch {
	case r.Hidden:
		return "another role's statement (text hidden)"
	case r.QueryID == 0:
		return "a statement of unknown text"
	case r.Type != "" && r.Type != workload.TypeUnknown:
		return fmt.Sprintf("%s statement queryid %d", r.Type, r.QueryID)
	}
	return fmt.Sprintf("statement queryid %d", r.QueryID)
}

// Span says over what the numbers were counted, for a finding's conclusion.
func Span(w Window) string {
	switch string(w.Source) {
	case workload.SourceReset:
		return "since the statistics were reset (" + checks.Duration(w.Seconds) + ")"
	case workload.SourcePrevious:
		return "since the previous run (" + checks.Duration(w.Seconds) + ")"
	}
	return "in the " + checks.Duration(w.Seconds) + " window"
}
