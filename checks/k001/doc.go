package k001

const doc = `The workload of the node as a whole: calls, time (execution and planning), rows,
shared blocks hit, read, dirtied and written, local and temporary blocks, WAL records,
full-page images and bytes, and I/O time, summed over every statement in
` + "`pg_stat_statements`" + `, each as a total, per second of the window and per call.

**Where the numbers come from.** pgcheckup reads ` + "`pg_stat_statements`" + ` (counters only, no
texts) at the start of the run and again at the end of ` + "`--window`" + ` (source "window"); without
a window, it compares with the snapshot kept beside the newest earlier report of the same
project and node (source "previous run") when that one is from the same server life (no
restart, no reset); otherwise it shows the totals since the statistics began (source "since
reset"), which may be months of history. The table header says which, and for how long.
pgcheckup's own statements are left out.

**How much can be trusted.** An entry present in both snapshots gives an exact delta; one
that appeared in the window counts from zero. An entry evicted and created again inside the
window counts from its restart (a lower bound). An entry that appeared but whose statistics
started before the window (it was not visible then) cannot be split, so it is left out:
*attributed* is the share of the time seen that the figures cover. Entries evicted because
` + "`pg_stat_statements.max`" + ` was reached lose what they did before eviction
(*deallocated*, from ` + "`pg_stat_statements_info`" + `, PostgreSQL 14+). A counter the server does not
measure is shown as "not measured", never as zero: planning time needs
` + "`pg_stat_statements.track_planning`" + ` (13+), WAL counters PostgreSQL 13+, I/O times
` + "`track_io_timing`" + ` (temporary file I/O time 15+).

**Findings** (no thresholds):
- **P3** ` + "`K001/deallocated`" + `: entries were evicted in the window: the picture is incomplete;
  raise ` + "`pg_stat_statements.max`" + ` (restart).
- **Info** ` + "`K001/reset-in-window`" + `: the statistics were reset inside the window.
- **Info** ` + "`K001/plan-time-unknown`" + `: planning time is not tracked, so every time of K001
  and K003 is execution time only.
- **Info** ` + "`K001/no-window`" + `: no window and no usable previous snapshot: the totals since the
  statistics began, with the reason.

K002 splits the same totals by statement type, K003 by statement.`
