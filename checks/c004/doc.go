package c004

const doc = `Reads, on every node, the recovery conflicts counted per database (` + "`pg_stat_database_conflicts`" + `:
` + "`confl_snapshot`" + `, ` + "`confl_lock`" + `, ` + "`confl_bufferpin`" + `, ` + "`confl_deadlock`" + `, ` + "`confl_tablespace`" + `, and
` + "`confl_active_logicalslot`" + ` from 16) with the time since each database's statistics were reset
(` + "`pg_stat_database.stats_reset`" + `), and the settings that decide what replay does when it
meets a query: ` + "`hot_standby`" + `, ` + "`hot_standby_feedback`" + `, ` + "`max_standby_streaming_delay`" + `,
` + "`max_standby_archive_delay`" + `, ` + "`recovery_min_apply_delay`" + `, ` + "`wal_receiver_status_interval`" + `,
` + "`wal_receiver_timeout`" + `, ` + "`wal_retrieve_retry_interval`" + ` and ` + "`primary_slot_name`" + `. Only the
databases with conflicts are listed (` + "`top_n`" + `, default 50); the sums cover all of them.

**How to read it.** A standby replays the primary's WAL while it answers queries. When
replay must change something a query still uses (remove row versions its snapshot can see,
take a lock it holds, clean a page it has pinned, drop a tablespace holding its temporary
files), replay waits up to ` + "`max_standby_streaming_delay`" + ` (WAL from the primary) or
` + "`max_standby_archive_delay`" + ` (WAL from the archive) and then cancels the query with
"canceling statement due to conflict with recovery". Each cancellation is counted here, by
cause, since the statistics were reset. Snapshot conflicts are what
` + "`hot_standby_feedback`" + ` prevents: the standby reports its oldest snapshot to the primary, whose
vacuum then keeps those row versions, at the price of bloat on the primary while long
standby queries run (C007 on the primary names a standby holding the xmin horizon). It only
works while the standby is connected, so a physical slot (` + "`primary_slot_name`" + `) makes it hold
across reconnects, and it is sent with the WAL receiver's status messages: with
` + "`wal_receiver_status_interval`" + ` = 0 no feedback is sent at all. Lock, buffer-pin and tablespace
conflicts are not prevented by feedback. Conflicts happen only on a standby: on a primary
this check shows its settings and counters (a promoted standby keeps its old counts) and
has no findings. A delay of -1 (replay waits for queries without bound) is C002's finding
(` + "`C002/unbounded-standby-delay`" + `) and is not repeated here; replay lag is C002's.

**Findings and thresholds** (section ` + "`[checks.C004]`" + `; only on a standby; a conflict type
is a finding from ` + "`min_conflicts`" + `, default 1, cancellations since the reset):
- **P2** ` + "`C004/snapshot-conflicts`" + ` when ` + "`hot_standby_feedback`" + ` is off (or not sent): turn it on,
  weighing the bloat on the primary; **P3** when feedback is on (conflicts before the
  standby connected, or without a slot after reconnects).
- **P3** ` + "`C004/lock-conflicts`" + `, ` + "`C004/bufferpin-conflicts`" + `, ` + "`C004/deadlock-conflicts`" + `,
  ` + "`C004/tablespace-conflicts`" + `, ` + "`C004/logicalslot-conflicts`" + ` (16+: logical slots on this standby
  invalidated by replay), each with the cause and its remedy.
- **P3** ` + "`C004/feedback-not-sent`" + `: ` + "`hot_standby_feedback`" + ` is on but ` + "`wal_receiver_status_interval`" + ` is 0,
  so the primary never gets it.`
