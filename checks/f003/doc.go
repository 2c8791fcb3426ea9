package f003

const doc = `Reads the statistics of every table of the connected database (those of
` + "`pg_stat_user_tables`" + `, through the ` + "`pg_stat_get_*`" + ` functions): estimated live and dead
tuples, rows modified since the last analyze, the last manual and automatic vacuum and
analyze, and the table's autovacuum storage parameters. One narrow row per table with
something to report comes back; pgcheckup ranks and counts them (the server sorts
nothing), then reads names and times for the tables it lists: the top ` + "`top_n`" + ` of each
ranking (most dead tuples, highest dead share among tables with at least
` + "`min_dead_tuples`" + `, most modifications since analyze, largest never analyzed). The
findings count every table, listed or not.

**How to read it.** Counts are estimates kept by the statistics system, not counted rows;
they are lost (set to zero, times to empty) when statistics are reset, and before
PostgreSQL 15 also after a crash. Autovacuum vacuums a table when its dead tuples exceed
` + "`autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × reltuples`" + ` and analyzes it
when modifications exceed the analyze equivalent; the report shows both triggers per table.
Dead tuples above the trigger mean autovacuum is behind, disabled for the table, or cannot
remove them because an old snapshot still needs them (C007 shows what holds the xmin
horizon). A table never analyzed has no planner statistics.

**Findings and thresholds** (section ` + "`[checks.F003]`" + `):
- **P2** ` + "`F003/dead-tuples`" + `: at least ` + "`min_dead_tuples`" + ` (default 10000) dead tuples and at least
  ` + "`dead_percent`" + ` (default 20) of the table's tuples; the finding says whether autovacuum is
  disabled for the table and gives the VACUUM statement.
- **P3** ` + "`F003/never-analyzed`" + `: no analyze recorded since the statistics reset on a table with
  at least ` + "`min_rows_never_analyzed`" + ` (default 1000) live rows.
- **P3** ` + "`F003/stale-statistics`" + `: at least ` + "`min_mod_since_analyze`" + ` (default 10000) rows modified
  since the last analyze, more than ` + "`mod_percent`" + ` (default 20; autoanalyze's default trigger is
  10%) of the table.
- **P2** ` + "`F003/no-statistics`" + `: ` + "`track_counts`" + ` is off, so none of this is known.
- **Info** ` + "`F003/past-vacuum-trigger`" + `, ` + "`F003/past-analyze-trigger`" + `: how many tables have
  more dead tuples (modifications) than autovacuum's vacuum (analyze) trigger, and how
  many of those have autovacuum disabled. A few are normal between autovacuum rounds; many
  mean autovacuum is behind (F008) or kept away (F001). The triggers ignore
  ` + "`autovacuum_vacuum_max_threshold`" + ` (18) and the insert-driven trigger (13+).

Runs on primaries only: a standby's statistics do not see the writes replayed from the primary.`
