package m001

const doc = `Lists the statement groups with the highest **mean time per call** (execution plus planning,
over calls) in the workload window, highest first: the top ` + "`top_n`" + ` (default 20) and one row for all
the others. Where K003 ranks by total time (what the server spends), M001 ranks by what one call
costs (what a user waits): a report run twice an hour can top it while never showing in K003.
Each row gives the mean, the calls (in total and per second), the total time and its share of
the window's statement time (the rows and the others add up to 100%), rows per call, the users
and databases of the entries grouped, and the normalized text. Statements that differ only by
user or database are one group (their pg_query fingerprint). pgcheckup's own statements are left
out.

The numbers are deltas of ` + "`pg_stat_statements`" + ` between two snapshots: over ` + "`run --window`" + `, or since
the previous run of the same project and node, or, when neither can be had, the totals since the
statistics were reset, labelled as such (K001 says why, and how much of the time it attributed).
A mean is over the window only; the extension's own ` + "`mean_exec_time`" + ` is since the entry began and
cannot be taken apart. With ` + "`pg_stat_statements.track_planning`" + ` off (the default) the times are
execution only, and the report says so. A value marked ≥ is a lower bound: an entry restarted
inside the window.

**Findings and thresholds** (section ` + "`[checks.M001]`" + `):
- **P3** ` + "`M001/slow-statements`" + `: listed groups averaging at least ` + "`slow_mean_ms`" + ` (default 1000 ms)
  per call over at least ` + "`min_calls`" + ` (default 10) calls in the window. One finding, counting them;
  it names the slowest by queryid (the text stays in the table, under the query-text policy).

Skipped, with the reason, when ` + "`pg_stat_statements`" + ` cannot be read (not in
` + "`shared_preload_libraries`" + `, not created in the database pgcheckup connects to).`
