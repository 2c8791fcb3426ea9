package m002

const doc = `Lists the statement groups that return or change the most **rows per call** (` + "`rows`" + ` over
` + "`calls`" + ` of ` + "`pg_stat_statements`" + `) in the workload window, highest first: the top ` + "`top_n`" + ` (default 20)
and one row for all the others. For a SELECT, rows are the rows returned; for INSERT, UPDATE,
DELETE and MERGE, the rows changed; for utility statements, mostly 0. Each row gives the rows per
call and in total, the calls (and per second), the mean and total time and the share of the
window's statement time (the rows and the others add up to 100%), the users and databases of the
entries grouped, and the normalized text. Statements that differ only by user or database are one
group (their pg_query fingerprint). pgcheckup's own statements are left out.

The numbers are deltas of ` + "`pg_stat_statements`" + ` between two snapshots: over ` + "`run --window`" + `, or since
the previous run of the same project and node, or, when neither can be had, the totals since the
statistics were reset, labelled as such (K001 says why, and how much of the time it attributed).
A value marked ≥ is a lower bound: an entry restarted inside the window.

**Findings and thresholds** (section ` + "`[checks.M002]`" + `):
- **P3** ` + "`M002/many-rows-per-call`" + `: listed groups returning or changing at least ` + "`rows_per_call`" + `
  (default 10000) rows per call over at least ` + "`min_calls`" + ` (default 10) calls in the window: a
  listing without a limit, a filter applied in the application, a mass update in one transaction.
  One finding, counting them; it names the first by queryid (the text stays in the table).

Skipped, with the reason, when ` + "`pg_stat_statements`" + ` cannot be read (not in
` + "`shared_preload_libraries`" + `, not created in the database pgcheckup connects to).`
