package d001

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func reload(set string) string {
	return "```sql\nALTER SYSTEM SET " + set + ";\nSELECT pg_catalog.pg_reload_conf();\n```"
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	add := func(code string, sev checks.Severity, conclusion, rec string) {
		out = append(out, checks.Finding{Code: "D001/" + code, Severity: sev, Conclusion: conclusion, Recommendation: rec})
	}
	stmt, _ := get(d, "log_statement")
	minDur, hasMinDur := get(d, "log_min_duration_statement")
	durSec, durOK := minDur.Seconds()
	var leaks []string
	if v := string(stmt.Value); v == "ddl" || v == "mod" || v == "all" {
		leaks = append(leaks, fmt.Sprintf("`log_statement = '%s'` logs every DDL statement", v))
	}
	logsAll := stmt.Value == "all"
	if hasMinDur && durOK && durSec == 0 {
		leaks = append(leaks, "`log_min_duration_statement = 0` logs every statement with its duration")
		logsAll = true
	}
	if len(leaks) > 0 {
		cost := ""
		if logsAll {
			cost = " Logging every statement also costs I/O on a busy server."
		}
		add("logs-passwords", checks.P2, strings.Join(leaks, ", and ")+", including `CREATE ROLE ... PASSWORD '...'` and "+
			"`ALTER ROLE ... PASSWORD '...'` with the password as typed: anyone who can read the server log (or the log shipper, "+
			"or the support ticket it was pasted into) can read those passwords."+cost,
			"Set `log_statement = 'none'` and use `log_min_duration_statement` above zero (e.g. `'1s'`) for slow queries "+
				"(`ALTER SYSTEM SET ...;` then `SELECT pg_catalog.pg_reload_conf();`). If you need a DDL audit trail, keep it but have "+
				"passwords set only with psql's `\\password` (it sends a SCRAM hash, never the password), and treat the log files as secret. "+
				"Logs written so far may already hold passwords: find them (`grep -i password` over the logs), rotate those passwords and purge the old logs.")
	}
	if hasMinDur && durOK {
		limit := float64(cfg.MaxMinDurationMS) / 1000
		switch {
		case durSec < 0:
			add("slow-queries-not-logged", checks.P3, "`log_min_duration_statement` is -1: no slow query reaches the log, so a slow statement "+
				"that pg_stat_statements averages away (or one from before its last reset) leaves no trace with its parameters and time.",
				"Log statements slower than a second (lower it for fast OLTP workloads):\n\n"+reload("log_min_duration_statement = '1s'"))
		case durSec > limit:
			add("slow-query-threshold-high", checks.P3, fmt.Sprintf("`log_min_duration_statement` is %s ms, above %d ms: most slow queries never reach the log.",
				checks.Esc(string(minDur.Value)), cfg.MaxMinDurationMS),
				"Lower it to about a second:\n\n"+reload("log_min_duration_statement = '1s'"))
		}
	}
	if r, ok := get(d, "log_lock_waits"); ok && !r.Bool() {
		add("lock-waits-not-logged", checks.P3, "`log_lock_waits` is off: sessions that wait longer than `deadlock_timeout` for a lock "+
			"leave no trace, so lock contention is invisible after the fact.",
			"Turn it on (one line per wait longer than `deadlock_timeout`, 1 s by default, naming the blocking process):\n\n"+reload("log_lock_waits = on"))
	}
	if r, ok := get(d, "log_temp_files"); ok {
		kb, known := r.Float()
		switch {
		case known && kb < 0:
			add("temp-files-not-logged", checks.P3, "`log_temp_files` is -1: queries that spill sorts and hashes to disk "+
				"(a sign of too little `work_mem` or a bad plan) are not logged.",
				"Log every temporary file (or only those above a size on a very busy server, e.g. `'10MB'`):\n\n"+reload("log_temp_files = 0"))
		case known && kb*1024 > float64(cfg.MaxTempFilesMB<<20):
			add("temp-files-threshold-high", checks.P3, fmt.Sprintf("`log_temp_files` is %s, above %d MB: most temporary files go unlogged.",
				size(r), cfg.MaxTempFilesMB), "Lower it:\n\n"+reload("log_temp_files = '10MB'"))
		}
	}
	if r, ok := get(d, "log_checkpoints"); ok && !r.Bool() {
		add("checkpoints-not-logged", checks.P3, "`log_checkpoints` is off: the log does not show how often checkpoints run, why "+
			"(time or WAL volume) and how long they take to write and sync, which is the first thing to read when I/O spikes.",
			"Turn it on (the default from PostgreSQL 15; a few lines per checkpoint):\n\n"+reload("log_checkpoints = on"))
	}
	if r, ok := get(d, "log_autovacuum_min_duration"); ok {
		sec, known := r.Seconds()
		switch {
		case known && sec < 0:
			add("autovacuum-not-logged", checks.P3, "`log_autovacuum_min_duration` is -1: autovacuum and autoanalyze runs are not logged, "+
				"so slow or blocked vacuums and their removed and remaining dead tuples cannot be traced.",
				"Log runs longer than a few seconds (0 logs every run; 10 min is the default from PostgreSQL 15):\n\n"+reload("log_autovacuum_min_duration = '10s'"))
		case known && sec > float64(cfg.MaxAutovacuumS):
			add("autovacuum-threshold-high", checks.P3, fmt.Sprintf("`log_autovacuum_min_duration` is %s, above %d s: only very long autovacuum runs are logged.",
				dur(r), cfg.MaxAutovacuumS), "Lower it:\n\n"+reload("log_autovacuum_min_duration = '10s'"))
		}
	}
	if len(d.PrefixMissing) > 0 && d.PrefixUsed {
		p, _ := get(d, "log_line_prefix")
		add("log-line-prefix-incomplete", checks.P3, fmt.Sprintf("`log_line_prefix` (%s) lacks %s: log lines cannot be tied to the moment, "+
			"session, role, database or application they come from.", checks.Code(string(p.Value)), labels(d.PrefixMissing)),
			"Use a prefix with all of them, for example:\n\n"+reload(`log_line_prefix = '%m [%p] %q%u@%d/%a '`))
	}
	return out
}

func labels(ls []checks.Label) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = string(l)
	}
	return strings.Join(parts, ", ")
}

func size(r pgsettings.Row) string {
	if b, ok := r.Bytes(); ok {
		return fmt.Sprintf("%d MB", b>>20)
	}
	return checks.Esc(string(r.Value))
}

func dur(r pgsettings.Row) string {
	if s, ok := r.Seconds(); ok {
		return fmt.Sprintf("%.0f s", s)
	}
	return checks.Esc(string(r.Value))
}

const doc = `Reads the logging settings from ` + "`pg_settings`" + ` (value, unit, source, default, pending restart):
` + "`log_min_duration_statement`, `log_statement`, `log_lock_waits`, `log_temp_files`, `log_checkpoints`, `log_autovacuum_min_duration`, `log_line_prefix`" + `,
and for context ` + "`log_destination`" + ` and ` + "`logging_collector`" + `. The server log is where a DBA reconstructs an
incident; each finding names an event that would otherwise leave no trace.

- **P2** ` + "`log_statement`" + ` is ` + "`ddl`, `mod` or `all`" + ` (` + "`mod`" + ` and ` + "`all`" + ` include DDL), or
  ` + "`log_min_duration_statement = 0`" + `: every ` + "`CREATE/ALTER ROLE ... PASSWORD '...'`" + ` is written to the log with the
  password in clear text.
- **P3** slow queries not logged (` + "`log_min_duration_statement = -1`" + `) or only above
  ` + "`max_log_min_duration_statement_ms`" + ` (default 5000).
- **P3** ` + "`log_lock_waits = off`" + `; ` + "`log_checkpoints = off`" + ` (default on from PostgreSQL 15).
- **P3** ` + "`log_temp_files = -1`" + ` or above ` + "`max_log_temp_files_mb`" + ` (default 1024).
- **P3** ` + "`log_autovacuum_min_duration = -1`" + ` (the default before 15) or above ` + "`max_log_autovacuum_min_duration_s`" + `
  (default 600, the default from 15 on).
- **P3** ` + "`log_line_prefix`" + ` without a time (` + "`%m`, `%t`, `%n`" + `), process (` + "`%p`, `%c`" + `), user (` + "`%u`" + `),
  database (` + "`%d`" + `) and application (` + "`%a`" + `). Not judged when every ` + "`log_destination`" + ` is csvlog or
  jsonlog, whose lines carry these fields anyway.

Values are those of pgcheckup's session; a per-role or per-database override for other roles
is not seen here.`
