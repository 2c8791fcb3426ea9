package m003

const doc = `Lists the statement groups that spent the most **time on I/O** in the workload window,
highest first: the top ` + "`top_n`" + ` (default 20) and one row for all the others, so the shares of I/O time
add up to 100%. I/O time is the time reading and writing data blocks, shared and local
(` + "`blk_read_time`" + ` and ` + "`blk_write_time`" + `; from pg_stat_statements 1.11 the sum of the
` + "`shared_`" + ` and ` + "`local_blk_*_time`" + ` columns) plus, from 1.10, temporary files
(` + "`temp_blk_read_time`" + `, ` + "`temp_blk_write_time`" + `). Each row gives the I/O time split into read,
write and temporary, its share of the I/O time and the statement's own time, the blocks read,
the calls, the users and databases of the entries grouped, and the normalized text. Statements
that differ only by user or database are one group. pgcheckup's own statements are left out.

The server measures these times only with ` + "`track_io_timing`" + ` on. When it is off (the default) and no
I/O time was counted in the window, M003 lists nothing and says the times are unknown (an
information finding) instead of showing zeros. When it is off at the window's end but some
time was counted, the list is shown with that warning: the times cover only part of the window.

The numbers are deltas of ` + "`pg_stat_statements`" + ` between two snapshots: over ` + "`run --window`" + `, or since
the previous run of the same project and node, or the totals since the statistics were reset,
labelled as such (K001 says why). A value marked ≥ is a lower bound.

**Findings and thresholds** (section ` + "`[checks.M003]`" + `):
- **P3** ` + "`M003/io-bound`" + `: I/O takes at least ` + "`io_percent`" + ` (default 50) percent of the statements'
  time in the window, when that time is at least ` + "`min_time_ms`" + ` (default 10000 ms).
- **info** ` + "`M003/io-timing-off`" + `: ` + "`track_io_timing`" + ` off (or unreadable) and no I/O time counted.

Skipped, with the reason, when ` + "`pg_stat_statements`" + ` cannot be read.`
