package f002

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
)

const blockers = " Vacuum can only freeze rows older than the oldest snapshot still needed: if the age does not drop afterwards, " +
	"look at C007 for what holds the xmin horizon (a long transaction, a prepared transaction, a replication slot or standby feedback)."

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	critical := map[checks.Name]bool{}
	for _, k := range []struct {
		code, what string
		age        func(Database) (int64, float64)
		tableAge   func(Table) int64
	}{
		{"F002/xid-wraparound", "transaction ID", func(db Database) (int64, float64) { return db.XIDAge, db.XIDPercent },
			func(t Table) int64 { return t.XIDAge }},
		{"F002/mxid-wraparound", "multixact ID", func(db Database) (int64, float64) { return db.MXIDAge, db.MXIDPercent },
			func(t Table) int64 { return t.MXIDAge }},
	} {
		var names []checks.Name
		var parts []string
		for _, db := range d.Databases {
			if age, p := k.age(db); p > cfg.WraparoundPercent {
				names = append(names, db.Name)
				parts = append(parts, fmt.Sprintf("%s (age %d, %.1f%%)", checks.Code(string(db.Name)), age, p))
				critical[db.Name] = true
			}
		}
		if len(names) == 0 {
			continue
		}
		rec := "In each database named, vacuum the oldest tables first (F002 run on that database lists them) with " +
			checks.Code("VACUUM (FREEZE, VERBOSE) schema.table;") + ", and check that autovacuum is running and not cancelled."
		if critical[d.Database] && len(d.Tables) > 0 {
			ts := slices.Clone(d.Tables)
			slices.SortStableFunc(ts, func(a, b Table) int { return cmp.Compare(k.tableAge(b), k.tableAge(a)) })
			rec += " In " + checks.Code(string(d.Database)) + " start with: " + strings.Join(vacuumStatements(ts, 5), " ")
		}
		out = append(out, checks.Finding{Code: k.code, Severity: checks.P1, Objects: names,
			Conclusion: fmt.Sprintf("The %s age of %s is above %.0f%% of the 2^31 limit. Near the limit the server stops "+
				"assigning new IDs and accepts no writes until the database is vacuumed.", k.what, strings.Join(parts, ", "), cfg.WraparoundPercent),
			Recommendation: rec + blockers})
	}
	xid := overdue(d.Tables, cfg, func(t Table) (int64, int64) { return t.XIDAge, t.FreezeMaxAge })
	if len(xid) > 0 {
		out = append(out, tableFinding(d, "F002/table-freeze-overdue", "transaction", "autovacuum_freeze_max_age", xid,
			func(t Table) (int64, int64) { return t.XIDAge, t.FreezeMaxAge }))
	}
	mx := overdue(d.Tables, cfg, func(t Table) (int64, int64) { return t.MXIDAge, t.MXIDFreezeMaxAge })
	if len(mx) > 0 {
		out = append(out, tableFinding(d, "F002/table-mxid-freeze-overdue", "multixact", "autovacuum_multixact_freeze_max_age", mx,
			func(t Table) (int64, int64) { return t.MXIDAge, t.MXIDFreezeMaxAge }))
	}
	// The listing holds the oldest top_n by each age; every relation was read and counted.
	for _, u := range []*checks.Finding{
		checks.Unlisted("F002/table-freeze-overdue", checks.P2, d.XIDOverdue-len(xid), d.XIDOverdue,
			"tables and TOAST tables past their freeze max age for transaction IDs", listedText(len(xid), d.TopN)),
		checks.Unlisted("F002/table-mxid-freeze-overdue", checks.P2, d.MXIDOverdue-len(mx), d.MXIDOverdue,
			"tables and TOAST tables past their freeze max age for multixact IDs", listedText(len(mx), d.TopN)),
	} {
		if u != nil {
			out = append(out, *u)
		}
	}
	var names []checks.Name
	var parts []string
	for _, db := range d.Databases {
		if critical[db.Name] || db.Current && len(xid)+len(mx)+d.XIDOverdue+d.MXIDOverdue > 0 {
			continue
		}
		x := float64(db.XIDAge) > float64(d.FreezeMaxAge)*cfg.OverduePercent/100
		m := float64(db.MXIDAge) > float64(d.MXIDFreezeMaxAge)*cfg.OverduePercent/100
		if x || m {
			names = append(names, db.Name)
			parts = append(parts, fmt.Sprintf("%s (XID age %d, multixact age %d)", checks.Code(string(db.Name)), db.XIDAge, db.MXIDAge))
		}
	}
	if len(names) > 0 {
		out = append(out, checks.Finding{Code: "F002/database-freeze-overdue", Severity: checks.P2, Objects: names,
			Conclusion: fmt.Sprintf("%s %s past %s (%d) or %s (%d): autovacuum should already have vacuumed the oldest tables there "+
				"to prevent wraparound, and has not caught up.", strings.Join(parts, ", "), plural(len(names), "is", "are"),
				checks.Code("autovacuum_freeze_max_age"), d.FreezeMaxAge, checks.Code("autovacuum_multixact_freeze_max_age"), d.MXIDFreezeMaxAge),
			Recommendation: "Run F002 connected to each database named to see its oldest tables, and vacuum them with " +
				checks.Code("VACUUM (FREEZE, VERBOSE) schema.table;") + blockers})
	}
	return out
}

func overdue(ts []Table, cfg Config, age func(Table) (int64, int64)) []Table {
	var out []Table
	for _, t := range ts {
		if a, limit := age(t); float64(a) > float64(limit)*cfg.OverduePercent/100 {
			out = append(out, t)
		}
	}
	return out
}

func tableFinding(d Data, code, what, setting string, ts []Table, age func(Table) (int64, int64)) checks.Finding {
	var names []checks.Name
	var parts []string
	for _, t := range ts {
		a, limit := age(t)
		desc := fmt.Sprintf("%s (age %d, freeze max age %d", checks.Code(string(t.Schema)+"."+string(t.Name)), a, limit)
		if t.Toast != "" {
			desc = fmt.Sprintf("the TOAST table %s of %s", checks.Code(string(t.Toast)), desc)
		}
		if t.VacuumRunning {
			desc += ", a vacuum is running on it now"
		}
		parts = append(parts, desc+")")
		names = append(names, t.Schema+"."+t.Name)
	}
	stmts := vacuumStatements(ts, len(ts))
	return checks.Finding{Code: code, Severity: checks.P2, Objects: names, Count: len(ts),
		Conclusion: fmt.Sprintf("In database %s, %s %s past the freeze max age for %s IDs (%s): autovacuum should have frozen %s to prevent wraparound and has not caught up.",
			checks.Code(string(d.Database)), strings.Join(parts, ", "), plural(len(ts), "is", "are"), what, checks.Code(setting), plural(len(ts), "it", "them")),
		Recommendation: "Vacuum " + plural(len(ts), "it", "them") + " now, outside peak hours (the whole table is read): " + strings.Join(stmts, " ") +
			" Check in the log or " + checks.Code("pg_stat_progress_vacuum") + " whether autovacuum keeps being cancelled or is too slow (" +
			checks.Code("autovacuum_vacuum_cost_limit") + ")." + blockers}
}

// vacuumStatements gives VACUUM (FREEZE) for the owners of the first n tables, once each
// (vacuuming a table also vacuums its TOAST table).
func vacuumStatements(ts []Table, n int) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range ts {
		stmt := "VACUUM (FREEZE, VERBOSE) " + pgx.Identifier{string(t.Schema), string(t.Name)}.Sanitize() + ";"
		if !seen[stmt] && len(out) < n {
			seen[stmt] = true
			out = append(out, checks.Code(stmt))
		}
	}
	return out
}

func listedText(n, topN int) string {
	if n == 0 {
		return "none"
	}
	return fmt.Sprintf("the %d among the %d oldest by each age", n, topN)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
