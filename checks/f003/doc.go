package f003

const doc = `Reads ` + "`pg_stat_user_tables`" + ` of the connected database: estimated live and dead
tuples, rows modified since the last analyze, the last manual and automatic vacuum and
analyze, and the table's autovacuum storage parameters. Only the top ` + "`top_n`" + ` tables of
each ranking are returned (most dead tuples, highest dead share among tables with at least
` + "`min_dead_tuples`" + `, most modifications since analyze, largest never analyzed).

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

Runs on primaries only: a standby's statistics do not see the writes replayed from the primary.`
