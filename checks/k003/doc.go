package k003

const doc = `Lists the statements that took the most time (execution plus planning) over the workload
window, from the deltas of ` + "`pg_stat_statements`" + `, with calls, mean time, time and calls per
second, rows, shared blocks hit and read, temporary blocks written, I/O time and each one's
share of the window's statement time. The first ` + "`top_n`" + ` (default 20) are listed; one more
row sums all the other statements, so the shares add up to 100%.

**The window.** See K001: two snapshots ` + "`--window`" + ` apart, or this run against the previous
run's snapshot of the same node, or (labelled so) the totals since the statistics began, in
which today's problem can hide under months of history. K001 also says how much of the
window's time could be attributed, and whether entries were deallocated or reset.

**Grouping.** Entries whose normalized texts have the same pg_query fingerprint are one row
(one query run by many roles, or in many databases where the queryids differ): the row names
the part with the most time and lists up to five parts. Other roles' entries the role may
not see (no queryid, no text, without ` + "`pg_read_all_stats`" + `) are listed as hidden, one row per
role and database. Texts are fetched only for the statements a report can show.

Query texts are normalized before they reach the report (every literal and comment
removed, utility statements included); a text that cannot be parsed is replaced by a marker.
` + "`--query-text none`" + ` leaves only the queryid. pgcheckup's own statements are left out. Without
` + "`pg_stat_statements.track_planning`" + ` the times are execution only (K001 says so).

**Findings and thresholds** (section ` + "`[checks.K003]`" + `):
- **P3** ` + "`K003/dominant-statement`" + `: one statement group took more than ` + "`dominant_percent`" + `
  (default 30) percent of the window's statement time, when the window holds at least
  ` + "`min_total_seconds`" + ` (default 1) seconds of statement time (an idle window proves nothing)
  and more than one statement.
- **Info** ` + "`K003/texts-hidden`" + `: other roles' statements are hidden from pgcheckup's role; the
  GRANT that shows them.

` + "`top_n`" + ` is 1 to 1000; beyond about 100 the rows may lack their texts (the pipeline
fetches the texts of the first 100 statements by each measure).`
