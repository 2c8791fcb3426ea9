package n001

const doc = `Shows what the node's sessions waited on during the workload window. While ` + "`run --window`" + ` waits,
pgcheckup samples ` + "`pg_stat_activity`" + ` on the node's session at a fixed interval (default 1 s; one
statement per sample): every other client backend in state ` + "`active`" + `, by ` + "`wait_event_type`" + ` and
` + "`wait_event`" + ` (**CPU** when it waits on nothing: running, or waiting for a CPU, which the server cannot
tell apart), and by ` + "`query_id`" + ` where the server has it (14 and newer with ` + "`compute_query_id`" + ` on or
auto with pg_stat_statements loaded). Background processes, parallel workers and WAL senders
are left out, as is pgcheckup's own session.

**How to read it.** Each event's count is session-samples: the number of active sessions seen in
it, summed over the samples; over the number of samples it is the average number of sessions in
that state at a time. Under each event are the statements seen waiting in it (their normalized
text from pg_stat_statements), the others and those without a queryid summed. A statement waiting
for a table lock while it is parsed has no queryid yet. Sampling sees what lasts: waits shorter
than the interval show up in proportion to how often they happen, not at all if rare. No samples
without a window: N001 is then skipped.

**Findings and thresholds** (section ` + "`[checks.N001]`" + `; ` + "`top_n`" + ` events, default 20, and
` + "`top_statements`" + ` per event, default 5):
- **P3** ` + "`N001/lock-waits`" + `: heavyweight-lock waits (type ` + "`Lock`" + `) in at least ` + "`lock_percent`" + ` (default
  20) percent of the active-session samples, when there are at least ` + "`min_session_samples`" + `
  (default 10).
- **info** ` + "`N001/own-sessions-only`" + `: the role lacks ` + "`pg_read_all_stats`" + ` (or ` + "`pg_monitor`" + `), so other
  roles' sessions were not seen.`
