package e002

const doc = `Reads the checkpoint and background-writer counters: ` + "`pg_stat_bgwriter`" + ` before
PostgreSQL 17, ` + "`pg_stat_checkpointer`" + ` (checkpoints) and ` + "`pg_stat_bgwriter`" + ` (cleaning scans)
from 17; ` + "`pg_stat_wal`" + ` (14+) for the WAL rate; ` + "`pg_stat_io`" + ` (16+) summed per process
type for relation I/O; and the settings ` + "`max_wal_size`" + `, ` + "`checkpoint_timeout`" + `,
` + "`checkpoint_completion_target`" + ` and the ` + "`bgwriter_*`" + ` ones.

**How to read it.** Counters accumulate from the last statistics reset (shown), so the
figures are shares and averages over that whole period. A *timed* checkpoint starts after
` + "`checkpoint_timeout`" + `; a *requested* one is started early, mostly because WAL grew to
` + "`max_wal_size`" + ` (also by ` + "`CHECKPOINT`" + `, base backups, ` + "`CREATE DATABASE`" + `). Frequent
early checkpoints write the same pages repeatedly and multiply full-page images in WAL.
Timed counts include checkpoints skipped on an idle server. On a 17+ standby the
restartpoint counters are judged instead; before 17 they are mixed into the checkpoint
counters. Buffers are written by the checkpointer, by the background writer (ahead of
demand) and by backends (when they need a free buffer and find only dirty ones). From
16 the backend share is taken from ` + "`pg_stat_io`" + ` in context *normal* (bulk-load and vacuum
ring writes, which are expected, are left out); before 16 ` + "`buffers_backend`" + ` includes them.
When the reset time is unknown, rates are reported as unknown.

**Findings and thresholds** (section ` + "`[checks.E002]`" + `):
- **P2** ` + "`E002/requested-checkpoints`" + `: requested checkpoints exceed ` + "`requested_percent`" + `
  (default 20) of at least ` + "`min_checkpoints`" + ` (default 10). The usual tuning advice is that
  nearly all checkpoints be timed. With pg_stat_wal (14+) the recommendation computes the
  ` + "`max_wal_size`" + ` that one ` + "`checkpoint_timeout`" + ` of WAL needs at the average rate:
  rate × checkpoint_timeout × (1 + checkpoint_completion_target), rounded up to a GiB.
- **P3** ` + "`E002/backend-writes`" + `: backends wrote more than ` + "`backend_writes_percent`" + `
  (default 30) of all buffers written, once at least ` + "`min_buffers_written`" + ` (default
  100000) were written.
- **P3** ` + "`E002/backend-fsyncs`" + `: backends had to fsync files themselves (the checkpointer's
  request queue was full).
- **Info** ` + "`E002/rates-unknown`" + `: no reset time, so no rates.`
