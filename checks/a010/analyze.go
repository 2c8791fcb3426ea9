package a010

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	if off(d, "fsync") {
		out = append(out, checks.Finding{Code: "A010/fsync-off", Severity: checks.P1,
			Conclusion: checks.Code("fsync") + " is off: Postgres does not wait for writes to reach disk. " +
				"A power loss or operating-system crash can leave the cluster corrupt beyond repair, not just missing recent commits.",
			Recommendation: "Turn it on unless this cluster is disposable (a test or a bulk load you can redo from scratch):\n\n" +
				"```sql\nALTER SYSTEM SET fsync = on;\nSELECT pg_catalog.pg_reload_conf();\n```\n\n" +
				"If the server crashed while fsync was off, treat the data as suspect: check it with amcheck or restore from a backup."})
	}
	if off(d, "full_page_writes") {
		out = append(out, checks.Finding{Code: "A010/full-page-writes-off", Severity: checks.P1,
			Conclusion: checks.Code("full_page_writes") + " is off: a crash in the middle of writing a page can leave it half old, half new " +
				"(a torn page), and WAL replay cannot repair it. Corruption follows silently.",
			Recommendation: "Turn it on (`ALTER SYSTEM SET full_page_writes = on;` and `SELECT pg_catalog.pg_reload_conf();`). " +
				"Off is safe only on storage that never tears an 8 kB page (e.g. ZFS with recordsize of at least 8 kB); " +
				"to cut the WAL volume of full-page images, use `wal_compression` and a longer `checkpoint_timeout` instead."})
	}
	if r, ok := get(d, "synchronous_commit"); ok && r.Value == "off" {
		out = append(out, checks.Finding{Code: "A010/synchronous-commit-off", Severity: cfg.SynchronousCommitOff,
			Conclusion: checks.Code("synchronous_commit") + " is off (" + r.Level() + "): a commit returns before its WAL is on disk. " +
				"A crash loses the transactions of the last moments (up to three times `wal_writer_delay`, 600 ms by default) " +
				"that clients were told had committed. The database stays consistent: no corruption, only lost recent commits.",
			Recommendation: "If losing acknowledged commits is not acceptable (payments, orders), set it to `on` " +
				"where it was turned off: " + r.SetSQL("on") + ". If the trade-off is deliberate, turn it off " +
				"only for the sessions or transactions that can afford it (`SET LOCAL synchronous_commit = off`) rather than for the whole cluster."})
	}
	checksumsOff := off(d, "data_checksums")
	if checksumsOff {
		out = append(out, checks.Finding{Code: "A010/data-checksums-off", Severity: checks.P3,
			Conclusion: "Data checksums are off: a page damaged by disk, controller or memory faults is read as if it were fine, " +
				"and the damage spreads into query results, replicas and backups before anyone notices.",
			Recommendation: "Enable them with `pg_checksums --enable -D <data directory>` while the server is stopped " +
				"(it rewrites every data file: plan the downtime by the data size). " +
				"PostgreSQL 18's initdb turns checksums on by default; `pg_upgrade` needs the old and new clusters to match, " +
				"so enable them before upgrading or initdb the new cluster with `--no-data-checksums`."})
	}
	if checksumsOff && off(d, "wal_log_hints") {
		out = append(out, checks.Finding{Code: "A010/pg-rewind-unavailable", Severity: checks.Info,
			Conclusion: "Neither data checksums nor " + checks.Code("wal_log_hints") + " are on, so `pg_rewind` cannot resynchronize " +
				"this server after a failover: a former primary has to be rebuilt from a full copy.",
			Recommendation: "Set `wal_log_hints = on` (needs a restart; it adds some WAL after each checkpoint) or enable data checksums."})
	}
	for _, name := range []string{"ignore_checksum_failure", "zero_damaged_pages"} {
		r, ok := get(d, name)
		if !ok || !r.Bool() {
			continue
		}
		what := "checksum failures are ignored: damaged pages are read and used as if they were fine"
		if name == "zero_damaged_pages" {
			what = "any page with a damaged header is replaced by zeros when read, silently deleting the rows on it"
		}
		out = append(out, checks.Finding{Code: "A010/" + strings.ReplaceAll(name, "_", "-") + "-on", Severity: checks.P2,
			Conclusion: fmt.Sprintf("%s is on (%s): %s. It is meant for a one-off salvage session, not for normal operation.",
				checks.Code(name), r.Level(), what),
			Recommendation: fmt.Sprintf("Remove it where it was set (%s) and investigate the corruption that made someone set it.", r.ResetSQL())})
	}
	if len(d.ChecksumFailures) > 0 {
		var total int64
		var objs []checks.Name
		for _, f := range d.ChecksumFailures {
			total += f.Count
			objs = append(objs, f.Database)
		}
		out = append(out, checks.Finding{Code: "A010/checksum-failures", Severity: checks.P1,
			Conclusion: fmt.Sprintf("%d data checksum failure(s) were counted since the last statistics reset, in %d database(s): "+
				"pages on disk are corrupt.", total, len(d.ChecksumFailures)),
			Recommendation: "Find the damaged relations (the server log names them at each failure), check the storage and memory " +
				"for faults, verify with `amcheck` (`pg_amcheck --all`), and restore damaged relations from a backup or a healthy replica.",
			Objects: objs})
	}
	return out
}

const doc = `Reads the settings that decide whether committed data survives a crash and whether
corruption is noticed (` + "`fsync`, `full_page_writes`, `synchronous_commit`, `data_checksums`, `wal_log_hints`, `ignore_checksum_failure`, `zero_damaged_pages`" + `
from ` + "`pg_settings`" + `, with value, source, default and pending restart), and the data checksum
failures counted per database in ` + "`pg_stat_database`" + ` (since the last statistics reset).

- **P1** ` + "`fsync = off`" + ` (a crash can corrupt the whole cluster), ` + "`full_page_writes = off`" + `
  (torn pages after a crash; safe only on storage that never tears 8 kB pages, such as ZFS),
  or any checksum failure recorded (corruption on disk).
- **P2** ` + "`zero_damaged_pages`" + ` or ` + "`ignore_checksum_failure`" + ` on: salvage switches that hide or
  destroy damaged data.
- **P3** ` + "`synchronous_commit = off`" + ` (severity set by ` + "`synchronous_commit_off_severity`" + `): the trade-off is
  losing the last ~600 ms of acknowledged commits in a crash, never corruption; fine for
  data you can recreate, not for money. ` + "`local`, `remote_write`" + ` and ` + "`remote_apply`" + ` keep local durability and are not flagged.
- **P3** data checksums off: corruption goes unnoticed. initdb enables them by default from
  PostgreSQL 18 on; older clusters need ` + "`pg_checksums --enable`" + ` with the server stopped.
- **info** neither checksums nor ` + "`wal_log_hints`" + `: ` + "`pg_rewind`" + ` cannot be used after a failover.

The values are those of pgcheckup's own session: a per-role or per-database override of
` + "`synchronous_commit`" + ` for other roles is not seen here (the source column says where a value came from).`
