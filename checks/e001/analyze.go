package e001

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// noopCommands are archive_command values that report success without copying anything.
var noopCommands = map[string]bool{"true": true, "/bin/true": true, "/usr/bin/true": true, ":": true, "exit 0": true, "/bin/true %p": true}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	add := func(code string, sev checks.Severity, conclusion, rec string) {
		out = append(out, checks.Finding{Code: "E001/" + code, Severity: sev, Conclusion: conclusion, Recommendation: rec})
	}
	out = append(out, archiving(d, cfg)...)
	if value(d, "wal_level") == "minimal" {
		add("wal-level-minimal", checks.P2, "`wal_level` is `minimal`: WAL holds only what crash recovery needs, so this server "+
			"can have no streaming replica, no WAL archive, no point-in-time recovery and no logical replication; "+
			"a base backup cannot be made.",
			"Set `wal_level = replica` (the default; `logical` if you need logical replication) and restart. It also needs "+
				"`max_wal_senders` above 0 for replicas and backups.")
	}
	if r, ok := get(d, "checkpoint_completion_target"); ok {
		if v, ok := r.Float(); ok && v < cfg.MinCompletionTarget {
			add("checkpoint-completion-target-low", checks.P3, fmt.Sprintf("`checkpoint_completion_target` is %s: each checkpoint writes "+
				"its dirty pages in the first %.0f%% of the interval and then idles, so its I/O comes in bursts.", checks.Esc(string(r.Value)), v*100),
				fmt.Sprintf("Spread the writes over the interval (%.1f is the default from PostgreSQL 14):\n\n", cfg.MinCompletionTarget)+
					"```sql\nALTER SYSTEM SET checkpoint_completion_target = 0.9;\nSELECT pg_catalog.pg_reload_conf();\n```")
		}
	}
	if r, ok := get(d, "checkpoint_timeout"); ok {
		if s, ok := r.Seconds(); ok && s < cfg.MinCheckpointTimeoutS {
			add("checkpoint-timeout-short", checks.P3, fmt.Sprintf("`checkpoint_timeout` is %.0f s, below %.0f s: checkpoints run so often "+
				"that the same pages are written again and again, and the first change to each page after every checkpoint "+
				"puts a full-page image into WAL.", s, cfg.MinCheckpointTimeoutS),
				"Raise it to at least the default, 5 min (15 to 30 min is common on write-heavy servers; crash recovery then takes longer):\n\n"+
					"```sql\nALTER SYSTEM SET checkpoint_timeout = '15min';\nSELECT pg_catalog.pg_reload_conf();\n```")
		}
	}
	if r, ok := get(d, "max_wal_size"); ok {
		if b, ok := r.Bytes(); ok && b <= 1<<30 {
			add("max-wal-size-small", checks.Info, fmt.Sprintf("`max_wal_size` is %d MB (the default is 1 GB). That suits a light write load; "+
				"on a busy server WAL reaches it before `checkpoint_timeout` and forces early checkpoints.", b>>20),
				"Check E002: if it reports many requested checkpoints, raise `max_wal_size` to the size it suggests "+
					"(WAL written in one `checkpoint_timeout`, times 1 + `checkpoint_completion_target`), e.g. "+
					"`ALTER SYSTEM SET max_wal_size = '8GB';` and reload. Disk space for that much WAL must be free.")
		}
	}
	if value(d, "wal_compression") == "off" && value(d, "full_page_writes") == "on" {
		add("wal-compression-off", checks.Info, "`wal_compression` is off: full-page images go into WAL uncompressed. "+
			"They are often most of the WAL right after each checkpoint.",
			"Compressing them usually cuts WAL volume (and replica and archive traffic) for a little CPU: "+compressWAL(d.VersionNum))
	}
	return out
}

func archiving(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	add := func(code string, sev checks.Severity, conclusion, rec string) {
		out = append(out, checks.Finding{Code: "E001/" + code, Severity: sev, Conclusion: conclusion, Recommendation: rec})
	}
	mode := value(d, "archive_mode")
	cmd := strings.TrimSpace(value(d, "archive_command"))
	lib := strings.TrimSpace(value(d, "archive_library"))
	// A standby archives only with archive_mode = always; with on it leaves archiving to the primary.
	active := mode == "always" || mode == "on" && !d.InRecovery
	both := cmd != "" && lib != ""
	switch {
	case !active:
		if mode == "off" && !d.InRecovery {
			add("no-wal-archiving", checks.Info, "`archive_mode` is off: this server keeps no WAL archive, so it can be restored only "+
				"to the moment of a base backup, not to any point in time.",
				"If point-in-time recovery is needed, set up a backup tool with WAL archiving (pgBackRest, WAL-G, Barman) "+
					"and `archive_mode = on` (needs a restart).")
		}
		return out
	case cmd == "" && lib == "":
		add("archive-command-missing", checks.P1, fmt.Sprintf("`archive_mode` is `%s` but neither `archive_command` nor `archive_library` "+
			"is set: archiving is paused, and the server keeps every WAL segment until one is set. `pg_wal` grows until the disk is full, "+
			"and then the server stops.", mode),
			"Set the archive command of your backup tool (e.g. `pgbackrest --stanza=... archive-push %p`) and reload, or if no archive "+
				"is wanted set `archive_mode = off` (restart). See how much is waiting with "+
				"`SELECT count(*) FROM pg_catalog.pg_ls_archive_statusdir() WHERE name LIKE '%.ready';`.")
	case both && d.VersionNum >= 160000:
		add("archive-command-and-library", checks.P1, "Both `archive_command` and `archive_library` are set: from PostgreSQL 16 on the "+
			"archiver refuses to run with both, so nothing is archived and WAL piles up in `pg_wal`.",
			"Keep one of them: `ALTER SYSTEM RESET archive_command;` (or `archive_library`), then reload. "+
				"Check `pg_stat_archiver` afterwards: `last_archived_time` should advance.")
	case both:
		add("archive-command-ignored", checks.P3, "Both `archive_command` and `archive_library` are set: PostgreSQL 15 uses the library "+
			"and silently ignores the command, and version 16 refuses to archive with both.",
			"Reset the one not in use (`ALTER SYSTEM RESET archive_command;`) and reload, before an upgrade turns this into stopped archiving.")
	case lib == "" && noopCommands[cmd]:
		add("archive-command-noop", checks.P3, "`archive_command` reports success without copying anything: WAL is thrown away "+
			"as if archived, so there is no point-in-time recovery. (A placeholder kept so archiving can be enabled later without a restart is fine.)",
			"If backups are expected to restore to a point in time, set the archive command of your backup tool and reload.")
	}
	if r, ok := get(d, "archive_timeout"); ok {
		if s, ok := r.Seconds(); ok && s > 0 && s < cfg.MinArchiveTimeoutS {
			add("archive-timeout-short", checks.P3, fmt.Sprintf("`archive_timeout` is %.0f s: at least that often a WAL segment is "+
				"closed and archived, full size (%s) even when nearly empty, which bloats the archive.", s, segment(d)),
				"A minute or more is usually enough; for tighter recovery points stream WAL to the backup host instead "+
					"(`pg_receivewal` or your backup tool's streaming mode).")
		}
	}
	return out
}

func segment(d Data) string {
	if r, ok := get(d, "wal_segment_size"); ok {
		if b, ok := r.Bytes(); ok {
			return fmt.Sprintf("%d MB", b>>20)
		}
	}
	return "16 MB by default"
}

const doc = `Reads the WAL, checkpoint and archiving settings from ` + "`pg_settings`" + ` (value, unit, source,
default, pending restart): ` + "`max_wal_size`, `min_wal_size`, `checkpoint_timeout`, `checkpoint_completion_target`, `wal_level`, `wal_compression`, `full_page_writes`, `wal_buffers`, `wal_segment_size`, `archive_mode`, `archive_command`, `archive_library`" + ` (15+) and ` + "`archive_timeout`" + `.
Whether checkpoints are actually forced by WAL volume is measured by E002 from the
checkpoint counters; this check judges the settings themselves.

- **P1** archiving is on (` + "`archive_mode = on`" + ` on a primary, or ` + "`always`" + `) with neither ` + "`archive_command`" + `
  nor ` + "`archive_library`" + `: the server keeps all WAL until one is set, and the disk fills.
- **P1** (16+) both ` + "`archive_command`" + ` and ` + "`archive_library`" + ` set: the archiver refuses to run (on 15 the
  command is silently ignored: P3).
- **P2** ` + "`wal_level = minimal`" + `: no replicas, no archive, no point-in-time recovery, no base backups.
- **P3** ` + "`checkpoint_completion_target`" + ` below ` + "`min_checkpoint_completion_target`" + ` (default 0.9, the
  server default from 14; 12 and 13 default to 0.5); ` + "`checkpoint_timeout`" + ` below ` + "`min_checkpoint_timeout_s`" + `
  (default 300, the server default); an ` + "`archive_command`" + ` that copies nothing (` + "`/bin/true`" + `);
  ` + "`archive_timeout`" + ` below ` + "`min_archive_timeout_s`" + ` (default 60): each timeout archives a whole segment.
- **info** ` + "`max_wal_size`" + ` at or below the 1 GB default (see E002 for whether the load needs more),
  ` + "`wal_compression`" + ` off, no WAL archiving on a primary.

The value of ` + "`archive_command`" + ` is kept as a setting that the privacy layer redacts, and is never
quoted in findings: it often holds credentials.`

// compressWAL is the statement that turns WAL compression on. "on" (pglz) is accepted by
// every major; 'lz4' is refused before 15 and by servers built without lz4, so it is only
// mentioned, for the DBA to check.
func compressWAL(versionNum int) string {
	stmt := "`ALTER SYSTEM SET wal_compression = on; SELECT pg_catalog.pg_reload_conf();` (pglz)"
	if versionNum < 150000 {
		return stmt + "."
	}
	return stmt + ". If the server was built with lz4 (see `enumvals` in `pg_settings`), `'lz4'` costs less CPU for the same saving."
}
