package g003

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

// serverSources are pg_settings sources that hold for every session. Any other source
// (client, database, user, session, ...) shows a value of pgcheckup's own session.
var serverSources = map[checks.Text]bool{"default": true, "configuration file": true, "command line": true,
	"environment variable": true, "override": true}

// globals finds the server-wide value of each timeout: from pg_settings when the session
// shows it, else from the configuration files when they are readable.
func globals(list []pgsettings.Converted, file map[string]string, fileReadable bool) []Global {
	var out []Global
	for _, s := range list {
		if !isTimeout(string(s.Name)) {
			continue
		}
		g := Global{Setting: checks.Setting{Name: s.Name}}
		switch v, inFile := file[string(s.Name)]; {
		case serverSources[s.Source]:
			g.Origin, g.Value = FromSettings, s.Value
			if s.Unit != "" && s.Value != "0" && s.Value != "-1" {
				g.Value += checks.Text(s.Unit)
			}
		case fileReadable && inFile:
			g.Origin, g.Value = FromFile, checks.Text(v)
		case fileReadable:
			g.Origin, g.Value = FromDefault, s.BootVal
		default:
			g.Origin = Unknown
		}
		if sec, ok := parseSeconds(string(g.Value)); g.Origin != Unknown && ok && sec > 0 {
			g.Seconds = &sec
		}
		out = append(out, g)
	}
	return out
}

func isTimeout(name string) bool {
	for _, t := range timeouts {
		if t == name {
			return true
		}
	}
	return false
}

// parseSeconds reads a timeout as written in a configuration file or an override:
// "30s", "1min", "1.5 h", or a bare number of milliseconds (the unit of every timeout
// here).
func parseSeconds(v string) (float64, bool) {
	v = strings.Trim(strings.TrimSpace(v), "'")
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || v[i] == '-') {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil {
		return 0, false
	}
	mult, ok := map[string]float64{"": 1e-3, "us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600, "d": 86400}[strings.TrimSpace(v[i:])]
	return n * mult, ok
}

// protected reports whether a name has a positive server-wide value, or a positive
// override somewhere, and whether the server-wide value is known at all.
func protected(d Data, name string) (global, override, known bool) {
	for _, g := range d.Globals {
		if string(g.Name) == name {
			known, global = g.Origin != Unknown, g.Seconds != nil
		}
	}
	for _, o := range d.Overrides {
		if string(o.Name) == name && o.Seconds != nil {
			override = true
		}
	}
	// Overrides beyond the listed ones may set it: do not claim there are none.
	return global, override || d.OverridesTotal > len(d.Overrides), known
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	s := pgsettings.NewIndex(d.Settings)
	_, hasTxTimeout := s["transaction_timeout"]
	gIdle, oIdle, kIdle := protected(d, "idle_in_transaction_session_timeout")
	gTx, oTx, kTx := protected(d, "transaction_timeout")
	if kIdle && !gIdle && !oIdle && (!hasTxTimeout || kTx && !gTx && !oTx) {
		out = append(out, checks.Finding{Code: "G003/no-idle-in-transaction-timeout", Severity: checks.P2,
			Conclusion: "No session is protected by `idle_in_transaction_session_timeout`" + txNote(hasTxTimeout) + ": it is 0 " +
				"server-wide and no database or role sets it. A client that opens a transaction and stops (a crashed " +
				"worker, a forgotten psql, a pooler in session mode) keeps its locks and holds back the xmin horizon, so " +
				"VACUUM cannot remove dead rows anywhere and DDL queues behind it.",
			Recommendation: "`ALTER SYSTEM SET idle_in_transaction_session_timeout = '10min'; SELECT pg_catalog.pg_reload_conf();` " +
				"(or per application role: `ALTER ROLE <application role> SET idle_in_transaction_session_timeout = '1min';`).",
			Objects: []checks.Name{"idle_in_transaction_session_timeout"}})
	}
	gSt, oSt, kSt := protected(d, "statement_timeout")
	if kSt && !gSt && !oSt && (!hasTxTimeout || kTx && !gTx && !oTx) {
		out = append(out, checks.Finding{Code: "G003/no-statement-timeout", Severity: checks.P3,
			Conclusion: "No statement has a time limit: `statement_timeout` is 0 server-wide and no database or role sets it" +
				txNote(hasTxTimeout) + ". A runaway query runs until someone cancels it, holding its locks and its snapshot.",
			Recommendation: "Set it per application role rather than server-wide (server-wide it also cancels maintenance and " +
				"migrations): `ALTER ROLE <application role> SET statement_timeout = '30s';` with a value above the longest legitimate query.",
			Objects: []checks.Name{"statement_timeout"}})
	}
	out = append(out, globalTimeouts(d)...)
	var unknown []string
	for _, g := range d.Globals {
		if g.Origin == Unknown {
			unknown = append(unknown, checks.Code(string(g.Name)))
		}
	}
	if len(unknown) > 0 {
		out = append(out, checks.Finding{Code: "G003/globals-unknown", Severity: checks.Info,
			Conclusion: "The server-wide value of " + strings.Join(unknown, ", ") + " is unknown: pgcheckup's session (or an " +
				"override for its role or database) sets its own, and `pg_file_settings` is readable only by superusers. " +
				"Verdicts on them rely on the overrides alone.",
			Recommendation: "Run pgcheckup as a superuser to read the configuration files, or look them up: " +
				"`SELECT name, setting, sourcefile FROM pg_catalog.pg_file_settings WHERE name LIKE '%timeout';` as a superuser."})
	}
	out = append(out, lockFindings(d, s, cfg)...)
	return out
}

func txNote(has bool) string {
	if has {
		return " (nor by `transaction_timeout`)"
	}
	return ""
}

// globalTimeouts notes timeouts that are set server-wide where the documentation
// advises per-role or per-session values.
func globalTimeouts(d Data) []checks.Finding {
	var list []string
	var objs []checks.Name
	for _, g := range d.Globals {
		switch g.Name {
		case "statement_timeout", "lock_timeout", "idle_session_timeout", "transaction_timeout":
			if g.Seconds != nil {
				list = append(list, checks.Code(string(g.Name)+" = "+string(g.Value)))
				objs = append(objs, g.Name)
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	return []checks.Finding{{Code: "G003/timeout-set-globally", Severity: checks.Info,
		Conclusion: "Set server-wide: " + strings.Join(list, ", ") + ". They apply to every session, including " +
			"maintenance jobs, migrations and superusers; `idle_session_timeout` also closes pooled connections " +
			"under a pooler that does not expect it.",
		Recommendation: "The PostgreSQL documentation advises setting these per role or per session instead " +
			"(`ALTER ROLE <role> SET ...`), with long-running jobs using a role that has no limit.",
		Objects: objs}}
}

func lockFindings(d Data, s pgsettings.Index, cfg Config) []checks.Finding {
	var out []checks.Finding
	if r, ok := s["deadlock_timeout"]; ok {
		if sec, ok := r.Seconds(); ok && (sec*1000 < cfg.MinDeadlockTimeoutMS || sec*1000 > cfg.MaxDeadlockTimeoutMS) {
			why := "the deadlock detector runs after every lock wait this short, which costs CPU under lock contention"
			if sec*1000 > cfg.MaxDeadlockTimeoutMS {
				why = "deadlocked sessions wait this long before one of them is aborted"
			}
			out = append(out, checks.Finding{Code: "G003/deadlock-timeout", Severity: checks.P3,
				Conclusion: fmt.Sprintf("`deadlock_timeout` is %s: %s. `log_lock_waits` also reports waits only once they "+
					"last this long.", checks.Code(string(r.Value)+string(r.Unit)), why),
				Recommendation: "Back to the default (1s): the value is " + r.Level() + ": " + r.ResetSQL() + ".",
				Objects:        []checks.Name{"deadlock_timeout"}})
		}
	}
	if v, ok := s.Float("max_locks_per_transaction"); ok && v < cfg.MinLocksPerTransaction {
		out = append(out, checks.Finding{Code: "G003/max-locks-low", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`max_locks_per_transaction` is %.0f, below %.0f: transactions that touch many tables, "+
				"partitions or indexes (pg_dump, partitioned queries, DDL) fail with \"out of shared memory\".", v, cfg.MinLocksPerTransaction),
			Recommendation: fmt.Sprintf("%s (standbys need at least the primary's value).",
				s["max_locks_per_transaction"].Fix(fmt.Sprintf("%.0f", cfg.MinLocksPerTransaction))),
			Objects: []checks.Name{"max_locks_per_transaction"}})
	}
	var list []string
	var objs []checks.Name
	for _, x := range d.Deadlocks {
		if x.Deadlocks < cfg.MinDeadlocks {
			continue
		}
		objs = append(objs, x.Database)
		since := ""
		if x.StatsReset != nil {
			since = " since " + x.StatsReset.UTC().Format("2006-01-02")
		}
		list = append(list, fmt.Sprintf("%s: %d%s", checks.Code(string(x.Database)), x.Deadlocks, since))
	}
	if len(list) > 0 {
		if more := d.DatabasesDeadlocked - len(d.Deadlocks); more > 0 {
			list = append(list, fmt.Sprintf("and %d more database(s)", more))
		}
		rec := "Find the statements in the server log (\"deadlock detected\" names both sides) and make transactions take " +
			"row and table locks in one consistent order (e.g. `SELECT ... ORDER BY id FOR UPDATE` before updating several rows)."
		if r, ok := s["log_lock_waits"]; ok && !r.Bool() {
			rec += " Turn on `log_lock_waits` to see the lock waits that come before them."
		}
		out = append(out, checks.Finding{Code: "G003/deadlocks", Severity: checks.P3,
			Conclusion: fmt.Sprintf("%d deadlock(s) counted since the statistics were reset: %s. Each one aborted a "+
				"transaction that the application had to retry or lost.", d.DeadlocksTotal, strings.Join(list, ", ")),
			Recommendation: rec,
			Objects:        objs})
	}
	return out
}

const doc = `Reads ` + "`statement_timeout`, `lock_timeout`, `idle_in_transaction_session_timeout`," + `
` + "`idle_session_timeout`" + ` (14+), ` + "`transaction_timeout`" + ` (17+), ` + "`deadlock_timeout`, `log_lock_waits`," + `
` + "`max_locks_per_transaction`" + ` and ` + "`max_pred_locks_per_transaction`" + ` from ` + "`pg_settings`" + `; the
timeouts set per database and per role (` + "`pg_db_role_setting`, `ALTER ROLE/DATABASE ... SET`" + `, at
most ` + "`max_overrides`" + `, 200); and the deadlocks counted per database in ` + "`pg_stat_database`" + `
since its statistics were reset (at most ` + "`max_databases`" + `, 50).

**Server-wide values.** pgcheckup's own session sets ` + "`statement_timeout` and `lock_timeout`" + `, and an
override for its role or database also hides the server-wide value in ` + "`pg_settings`" + `. Then the
value comes from ` + "`pg_file_settings`" + ` (read only when pgcheckup runs as a superuser; a
setting in no file has its compiled-in default, unless it was given on the command line), or
is reported unknown
(` + "`G003/globals-unknown`" + `, info) and the verdicts below that need it are skipped.

- **P2** ` + "`G003/no-idle-in-transaction-timeout`" + `: ` + "`idle_in_transaction_session_timeout`" + ` is 0
  server-wide and no database or role sets it (nor ` + "`transaction_timeout`" + ` on 17+). A session left
  idle in a transaction holds locks and the xmin horizon: bloat everywhere, DDL blocked behind it.
  P2 rather than P3 because one forgotten session can cause an outage, and the timeout is safe.
- **P3** ` + "`G003/no-statement-timeout`" + `: no statement limit anywhere (same rule). The documentation
  advises against a server-wide value, so the advice is per role.
- **info** ` + "`G003/timeout-set-globally`" + `: ` + "`statement_timeout`, `lock_timeout`, `idle_session_timeout`" + `
  or ` + "`transaction_timeout`" + ` set server-wide: they also hit maintenance and migrations.
  ` + "`lock_timeout`" + ` at 0 is the default and no finding: set it in migration sessions.
- **P3** ` + "`G003/deadlock-timeout`" + `: below ` + "`min_deadlock_timeout_ms`" + ` (100) the detector runs too
  often; above ` + "`max_deadlock_timeout_ms`" + ` (10000) deadlocks stay unresolved that long.
- **P3** ` + "`G003/max-locks-low`" + `: ` + "`max_locks_per_transaction`" + ` below
  ` + "`min_locks_per_transaction`" + ` (64, the default).
- **P3** ` + "`G003/deadlocks`" + `: at least ` + "`min_deadlocks`" + ` (1) deadlocks in a database, with the count
  per database and the date of the statistics reset.`
