// Package mseries is what the workload checks M001-M003 share beyond checks/kseries
// (whose window facts, skip and naming they use): the rows of a listing of statement
// groups (workload.List) with times per call, rows per call and I/O times, and the
// settings that decide whether those times were measured.
package mseries

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Settings says what the window's counters can tell: "on", "off" or "unknown" (the
// settings at the window's end; a setting changed inside the window is not seen).
type Settings struct {
	// TrackPlanning off (or pg_stat_statements before 1.8): times are execution only.
	TrackPlanning checks.Label `json:"track_planning"`
	// TrackIOTiming off: the I/O times are zero, not measured.
	TrackIOTiming checks.Label `json:"track_io_timing"`
	// TempIOTiming: temporary-file I/O time is counted (pg_stat_statements 1.10 and newer).
	TempIOTiming bool `json:"temp_io_timing"`
}

// SettingsOf reads v's settings; v must hold a Window.
func SettingsOf(v *workload.View) Settings {
	w := v.Window
	out := Settings{TrackPlanning: onOff(w.Settings.TrackPlanning), TrackIOTiming: onOff(w.Settings.TrackIOTiming),
		TempIOTiming: w.Features.TempIOTiming}
	if !w.Features.Plan { // before pg_stat_statements 1.8 there is no plan time to track
		out.TrackPlanning = "off"
	}
	return out
}

func onOff(s string) checks.Label {
	switch strings.ToLower(s) {
	case "on", "true", "yes", "1":
		return "on"
	case "off", "false", "no", "0":
		return "off"
	}
	return "unknown"
}

// Row is one statement group of a listing (or the row of all the others).
type Row struct {
	// QueryID is the group's part with the most time; Parts counts the
	// pg_stat_statements entries grouped (the same query run by several roles or in
	// several databases).
	QueryID int64            `json:"queryid,string"`
	Parts   int              `json:"parts"`
	Query   checks.QueryText `json:"query"`
	Type    checks.Label     `json:"type"`
	// Hidden: another role's statements, whose text this role may not see.
	Hidden bool `json:"hidden,omitempty"`
	// LowerBound: a part's counters restarted inside the window: at least these numbers.
	LowerBound bool `json:"lower_bound,omitempty"`
	// Users and Databases name the parts' roles and databases (at most maxNames each;
	// MoreUsers and MoreDatabases count the others).
	Users         []checks.Name `json:"users,omitempty"`
	MoreUsers     int           `json:"more_users,omitempty"`
	Databases     []checks.Name `json:"databases,omitempty"`
	MoreDatabases int           `json:"more_databases,omitempty"`

	Calls          int64   `json:"calls"`
	CallsPerSecond float64 `json:"calls_per_second"`
	TimeMS         float64 `json:"time_ms"` // execution + planning
	PlanMS         float64 `json:"plan_ms"`
	MeanMS         float64 `json:"mean_ms"` // TimeMS / Calls
	Rows           int64   `json:"rows"`
	RowsPerCall    float64 `json:"rows_per_call"`
	// IOTimeMS = BlkReadMS + BlkWriteMS + TempIOMS (data blocks read and written,
	// shared and local; temporary files, pg_stat_statements 1.10 and newer).
	IOTimeMS   float64 `json:"io_time_ms"`
	BlkReadMS  float64 `json:"blk_read_ms"`
	BlkWriteMS float64 `json:"blk_write_ms"`
	TempIOMS   float64 `json:"temp_io_ms"`
	SharedRead int64   `json:"shared_blks_read"`
	TempBlocks int64   `json:"temp_blks"` // read + written
	// TimePercent is the row's share of the window's statement time; SharePercent its
	// share of the listing's measure where that adds up (M003's I/O time; 0 in M001 and
	// M002). Either adds up to 100 over the rows and the others.
	TimePercent  float64 `json:"time_percent"`
	SharePercent float64 `json:"share_percent"`
}

// Totals sums rows and others: every statement group of the window (pgcheckup's own
// left out), with its rates; Parts is how many groups.
func Totals(rows []Row, others *Row, seconds float64) Row {
	t := Row{Parts: len(rows)}
	all := rows
	if others != nil {
		all = append(slices.Clip(rows), *others)
		t.Parts += others.Parts
	}
	for _, r := range all {
		t.Calls += r.Calls
		t.TimeMS += r.TimeMS
		t.PlanMS += r.PlanMS
		t.Rows += r.Rows
		t.IOTimeMS += r.IOTimeMS
		t.BlkReadMS += r.BlkReadMS
		t.BlkWriteMS += r.BlkWriteMS
		t.TempIOMS += r.TempIOMS
		t.SharedRead += r.SharedRead
		t.TempBlocks += r.TempBlocks
	}
	t.CallsPerSecond = ratio(float64(t.Calls), seconds)
	t.MeanMS = ratio(t.TimeMS, float64(t.Calls))
	t.RowsPerCall = ratio(float64(t.Rows), float64(t.Calls))
	t.TimePercent, t.SharePercent = 100, 100
	return t
}

// maxNames is how many roles and databases a row names.
const maxNames = 3

// Rows turns l into report rows: the listed groups, and the others' sum (Parts: how many
// groups it holds; nil when there are none). measure is the listing's when it adds up
// (I/O time): SharePercent is then of l.Total. A per-call measure (mean time, rows per
// call) does not add up, the others' mean is not the sum of theirs: pass nil, and the
// shares that add to 100% are TimePercent's.
func Rows(v *workload.View, l workload.Listing, measure func(workload.Counters) float64) ([]Row, *Row) {
	seconds := v.Window.Seconds
	totalMS := l.Others.TimeMS()
	for _, g := range l.Rows {
		totalMS += g.TimeMS()
	}
	row := func(c workload.Counters) Row {
		return Row{Calls: c.Calls, TimeMS: c.TimeMS(), PlanMS: c.PlanMS, Rows: c.Rows, IOTimeMS: c.IOTimeMS(),
			BlkReadMS: c.BlkReadMS, BlkWriteMS: c.BlkWriteMS, TempIOMS: c.TempBlkReadMS + c.TempBlkWriteMS,
			SharedRead: c.SharedRead, TempBlocks: c.TempRead + c.TempWritten,
			CallsPerSecond: ratio(float64(c.Calls), seconds), MeanMS: ratio(c.TimeMS(), float64(c.Calls)),
			RowsPerCall: ratio(float64(c.Rows), float64(c.Calls)), TimePercent: 100 * ratio(c.TimeMS(), totalMS),
		}
	}
	rows := make([]Row, 0, len(l.Rows))
	for _, g := range l.Rows {
		r := row(g.Counters)
		if measure != nil {
			r.SharePercent = 100 * ratio(measure(g.Counters), l.Total)
		}
		r.Query, r.Type, r.Parts = g.Query, g.Type, len(g.Parts)
		if len(g.Parts) > 0 { // parts come by time, highest first
			r.QueryID, r.Hidden = g.Parts[0].QueryID, g.Parts[0].Hidden
		}
		if r.Hidden { // as kseries: no queryid, no text
			r.QueryID, r.Query = 0, ""
		}
		var users, dbs []uint32
		for _, p := range g.Parts {
			r.LowerBound = r.LowerBound || p.Status == workload.Restarted
			users, dbs = appendNew(users, p.UserID), appendNew(dbs, p.DBID)
		}
		r.Users, r.MoreUsers = names(users, v.Users)
		r.Databases, r.MoreDatabases = names(dbs, v.Databases)
		rows = append(rows, r)
	}
	if l.OthersGroups == 0 {
		return rows, nil
	}
	others := row(l.Others)
	others.Parts = l.OthersGroups
	if measure != nil {
		others.SharePercent = 100 * ratio(measure(l.Others), l.Total)
	}
	return rows, &others
}

func appendNew(s []uint32, v uint32) []uint32 {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func names(oids []uint32, m map[uint32]checks.Name) ([]checks.Name, int) {
	var out []checks.Name
	for i, oid := range oids {
		if i == maxNames {
			return out, len(oids) - maxNames
		}
		n, ok := m[oid]
		if !ok {
			n = checks.Name("oid " + strconv.FormatUint(uint64(oid), 10))
		}
		out = append(out, n)
	}
	return out, 0
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// StatementName names a row in a finding, as kseries.StatementName does: by queryid and
// type, never by text (texts stay in the table, where the query-text policy applies).
func StatementName(r Row) string {
	return kseries.StatementName(kseries.Row{QueryID: r.QueryID, Hidden: r.Hidden, Type: r.Type})
}
