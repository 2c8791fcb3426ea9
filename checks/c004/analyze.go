package c004

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// conflictType is one column of pg_stat_database_conflicts and what to do about it.
type conflictType struct {
	code, column, cause, advice string
	count                       func(Conflicts) int64
}

var otherTypes = []conflictType{
	{code: "C004/lock-conflicts", column: "confl_lock",
		cause: "replay needed a lock that a query held: an ACCESS EXCLUSIVE lock taken on the primary (DDL, " + checks.Code("LOCK TABLE") +
			", or vacuum truncating empty pages at the end of a table) waited for queries reading that table here",
		advice: "Schedule DDL on the primary away from the standby's reports. If vacuum truncation is the cause (frequent deletes at the end of a table), turn it off on the tables read here: " +
			checks.Code("ALTER TABLE ... SET (vacuum_truncate = off);") + ". " + checks.Code("hot_standby_feedback") + " does not help with locks.",
		count: func(c Conflicts) int64 { return c.Lock }},
	{code: "C004/bufferpin-conflicts", column: "confl_bufferpin",
		cause:  "replay needed to clean a page that a query kept pinned (a long scan or an open cursor)",
		advice: "Shorten the queries or cursors that stay on one page, or raise " + checks.Code("max_standby_streaming_delay") + " (replay then lags up to that long).",
		count:  func(c Conflicts) int64 { return c.BufferPin }},
	{code: "C004/deadlock-conflicts", column: "confl_deadlock",
		cause:  "a query and replay waited for each other (a buffer-pin deadlock): the query was cancelled to break it",
		advice: "Nothing to tune for this one directly; it comes with buffer-pin conflicts, so shorten the queries that hold pages.",
		count:  func(c Conflicts) int64 { return c.Deadlock }},
	{code: "C004/tablespace-conflicts", column: "confl_tablespace",
		cause:  "a tablespace was dropped on the primary while queries here kept temporary files in it (" + checks.Code("temp_tablespaces") + ")",
		advice: "Point " + checks.Code("temp_tablespaces") + " on this standby at a tablespace that is not being dropped, and drop tablespaces when the standby is quiet.",
		count:  func(c Conflicts) int64 { return c.Tablespace }},
	{code: "C004/logicalslot-conflicts", column: "confl_active_logicalslot",
		cause: "logical slots on this standby were invalidated because replay removed catalog rows they needed (or " + checks.Code("wal_level") +
			" on the primary dropped below logical); their consumers must start over",
		advice: "Logical decoding on a standby needs " + checks.Code("hot_standby_feedback = on") + " and a physical slot (" + checks.Code("primary_slot_name") +
			") between this standby and the primary; re-create the invalidated slots (C007 lists them).",
		count: func(c Conflicts) int64 {
			if c.ActiveLogicalSlot == nil {
				return 0
			}
			return *c.ActiveLogicalSlot
		}},
}

func analyze(d Data, cfg Config) []checks.Finding {
	if !d.InRecovery {
		return nil
	}
	var out []checks.Finding
	feedbackSent := d.Feedback && (d.StatusIntervalSec == nil || *d.StatusIntervalSec > 0)
	least := max(cfg.MinConflicts, 1)
	if n := d.Totals.Snapshot; n >= least {
		f := checks.Finding{Code: "C004/snapshot-conflicts", Severity: checks.P2, Objects: databases(d, func(c Conflicts) int64 { return c.Snapshot }),
			Conclusion: fmt.Sprintf("%s cancelled on this standby because replay removed row versions their snapshot could still see (%s)%s.",
				queries(n), checks.Code("confl_snapshot"), where(d, func(c Conflicts) int64 { return c.Snapshot }))}
		switch {
		case !d.Feedback:
			f.Conclusion += " " + checks.Code("hot_standby_feedback") + " is off, so the primary's vacuum does not know what this standby's queries still read."
			f.Recommendation = "Turn feedback on, on this standby: " + checks.Code("ALTER SYSTEM SET hot_standby_feedback = on; SELECT pg_catalog.pg_reload_conf();") +
				" The trade-off: the primary's vacuum then keeps row versions as long as the oldest query here runs, so long standby queries cause bloat on the primary (C007 there names the standby holding the xmin horizon). " +
				"Use a physical slot (" + checks.Code("primary_slot_name") + ") so feedback holds across reconnects. If bloat on the primary is not acceptable, raise " +
				checks.Code("max_standby_streaming_delay") + " instead (replay then lags up to that long) or run the long queries elsewhere."
		case !feedbackSent:
			f.Conclusion += " " + checks.Code("hot_standby_feedback") + " is on but " + checks.Code("wal_receiver_status_interval") + " is 0, so no feedback reaches the primary."
			f.Recommendation = "Set " + checks.Code("wal_receiver_status_interval") + " back to its default: " +
				checks.Code("ALTER SYSTEM RESET wal_receiver_status_interval; SELECT pg_catalog.pg_reload_conf();")
		default:
			f.Severity = checks.P3
			f.Conclusion += " " + checks.Code("hot_standby_feedback") + " is on: these happen while feedback is not in effect (before the standby connected, after a reconnect without a slot, or while replaying from the archive)."
			f.Recommendation = "Give this standby a physical slot on the primary (" + checks.Code("primary_slot_name") + ") so its feedback holds across reconnects, and watch whether the count still grows."
			if d.PrimarySlot != "" {
				f.Recommendation = "This standby already uses slot " + checks.Code(string(d.PrimarySlot)) + "; watch whether the count still grows (archive replay and restarts bypass feedback). " +
					"If it does, raise " + checks.Code("max_standby_archive_delay") + " or " + checks.Code("max_standby_streaming_delay") + "."
			}
		}
		out = append(out, f)
	}
	for _, ct := range otherTypes {
		n := ct.count(d.Totals)
		if n < least {
			continue
		}
		out = append(out, checks.Finding{Code: ct.code, Severity: checks.P3, Objects: databases(d, ct.count),
			Conclusion:     fmt.Sprintf("%s cancelled on this standby (%s)%s: %s.", queries(n), checks.Code(ct.column), where(d, ct.count), ct.cause),
			Recommendation: ct.advice})
	}
	if d.Feedback && !feedbackSent {
		out = append(out, checks.Finding{Code: "C004/feedback-not-sent", Severity: checks.P3,
			Conclusion: checks.Code("hot_standby_feedback") + " is on but " + checks.Code("wal_receiver_status_interval") +
				" is 0: the WAL receiver sends no status messages, and feedback travels with them, so the primary never learns this standby's oldest snapshot.",
			Recommendation: "Set it back to its default (10s): " + checks.Code("ALTER SYSTEM RESET wal_receiver_status_interval; SELECT pg_catalog.pg_reload_conf();")})
	}
	return out
}

func queries(n int64) string {
	if n == 1 {
		return "1 query was"
	}
	return checks.Thousands(n) + " queries were"
}

// where says in which databases and since when.
func where(d Data, count func(Conflicts) int64) string {
	var names []string
	for _, db := range d.Databases {
		if count(db.Conflicts) > 0 {
			names = append(names, checks.Code(string(db.Name)))
		}
	}
	s := ""
	switch {
	case len(names) == 0:
	case len(names) < d.ConflictDatabases:
		s = " in " + strings.Join(names, ", ") + " and possibly other databases not listed"
	default:
		s = " in " + strings.Join(names, ", ")
	}
	switch {
	case d.NeverResetDatabases > 0:
		s += ", counted since the statistics began (no reset recorded)"
	case d.OldestResetAgeSec != nil:
		s += ", counted since the statistics were reset " + checks.Duration(*d.OldestResetAgeSec) + " ago"
	}
	return s
}

func databases(d Data, count func(Conflicts) int64) []checks.Name {
	var out []checks.Name
	for _, db := range d.Databases {
		if count(db.Conflicts) > 0 {
			out = append(out, db.Name)
		}
	}
	return out
}
