package f004

const doc = `Estimates how much of each large table's heap a rewrite (VACUUM FULL, CLUSTER,
pg_repack) would free, from planner statistics only: no table is read. Each estimate carries
a confidence, and only high-confidence estimates (or measurements) become P1/P2 findings.

**What it reads.** One query over ` + "`pg_class`" + `, ` + "`pg_attribute`" + `, ` + "`pg_stats`" + ` and
` + "`pg_stat_all_tables`" + ` for the ` + "`top_n`" + ` (default 100) largest tables and materialized views by
` + "`relpages`" + `, of at least ` + "`min_size_bytes`" + ` (default 1 MiB). Smaller tables and tables outside the top N are
not estimated; a table never vacuumed or analyzed has ` + "`relpages`" + ` 0 and is not seen. Temporary tables and tables of other access methods than heap are skipped;
partitions are tables of their own. The TOAST table is shown but not estimated. Tables are
ranked by ` + "`relpages`" + ` (no size function is called), and the tables beyond the top N are counted:
one info finding says how many tables pass the size floor in all and how many were not
estimated (their bloat is unknown, so they count at the lowest severity, info).

**The estimate** (the "ioguix"/pgexperts family, written anew):
- row size = MAXALIGN(23-byte header + null bitmap) + MAXALIGN(data) + 4-byte line pointer;
  the null bitmap (one bit per column, dropped ones included) is counted when any column has
  NULLs or was dropped; MAXALIGN is 8. Virtual generated columns (PostgreSQL 18) are stored as
  NULL: they take a bit of the bitmap (so rows always carry one) and no bytes, and need no
  statistics.
- data = the columns laid out in order with their alignment padding, each taking
  ` + "`avg_width`" + ` bytes when not NULL (` + "`null_frac`" + `); short varlenas (up to 126 bytes) are not aligned.
  ANALYZE truncates ` + "`avg_width`" + ` to whole bytes, so a variable-width column counts half a byte
  more (on a narrow row that half byte decides whether the row ends before or after an
  8-byte boundary).
- rows per page = (block_size - 24 - block_size × (100 - fillfactor)/100) / row size, rounded down;
  minimal pages = ` + "`reltuples`" + ` / rows per page; bloat = ` + "`relpages`" + ` - minimal pages.
It compares ` + "`relpages`" + ` and ` + "`reltuples`" + ` of the same VACUUM/ANALYZE, so it describes the table as of
then. ` + "`avg_width`" + ` is the width as stored in the heap: a compressed value counts its compressed
size, a value moved out of line to TOAST counts its 18-byte pointer. That is right for the
heap; the TOAST table's own bloat is not estimated. Dropped columns' old values count as
bloat, since a rewrite removes them.

**Confidence.**
- *unknown* (no number): the role cannot read the ` + "`pg_stats`" + ` rows of some column (pg_stats shows a
  column only to roles that may SELECT it, so a role with only pg_monitor sees none), row-level
  security hides them, the table was never analyzed (` + "`reltuples`" + ` = -1, or no statistics at all),
  or a variable-width column has no statistics (added after the last ANALYZE, or SET
  STATISTICS 0). Fix: run as a role that may read the statistics (superuser, owner, SELECT on
  the tables, ` + "`pg_read_all_data`" + ` on 14+), or ANALYZE.
- *low*: more rows changed since the last ANALYZE (` + "`n_mod_since_analyze`" + `) than ` + "`stale_percent`" + `
  (default 20) of ` + "`reltuples`" + `, or a fixed-width column has no statistics (assumed never NULL).
  Reported as info only, when the estimate reaches the P2 threshold.
- *high*: otherwise.

**Too small to judge.** A table of fewer than ` + "`min_pages`" + ` pages (default 128, 1 MiB at 8 kB
pages; relpages, or in precise mode the measured size) gets no percentage and no finding: one
page more or less is a large share of it, and the free space of a single half-empty page
reads as "99% bloated". It is listed as "too small to judge". ` + "`min_size_bytes`" + ` decides what is
listed at all; lowering it lists small tables without judging them.

**Findings.** P2 from ` + "`p2_percent`" + ` (default 40), P1 from ` + "`p1_percent`" + ` (default 90) of the table's
pages. Bloat up to 20-30% is the normal steady state of an updated table whose freed space
autovacuum keeps reusing; 40% means the table is at least two thirds larger than its data.

**Precision.** High-confidence estimates land within 5 percentage points of pgstattuple's
free + dead share, and within 2 points of what VACUUM FULL really frees, on
the shapes the integration tests plant on PostgreSQL 12, 15 and 18: wide rows (int, bigint,
timestamptz, a 64-character text, a text that is NULL in two rows of three), narrow rows
(an int and a text of 2 to 7 characters), and on 18 virtual generated columns.
pgstattuple reads a little lower than a rewrite on narrow rows: the line pointers VACUUM
leaves unused still take 4 bytes each and count as used. Rows whose widths straddle an
8-byte boundary are modelled at the average width, so mixed short and long values can be a
few points off; counting the null bitmap for every row when only some have NULLs errs
towards less bloat.

**Precise mode** (` + "`--precise-bloat`" + `): the candidates are measured with ` + "`pgstattuple_approx`" + `, which
**reads the tables' pages** (those not all-visible in the visibility map) and so costs I/O.
Needs the pgstattuple extension in this database (in any schema: it is called by the schema
that pg_extension names), and a superuser or a member
of ` + "`pg_stat_scan_tables`" + ` (included in pg_monitor). The measurement turns free space and dead rows
(share F of the table) into the same measure as the estimate: 1 - (1 - F) / (1 - R), where R is
the share the fillfactor keeps free (none under ` + "`min_pages`" + `: too small to judge); it errs a few points low (line pointers left by removed
rows and per-row overhead count as used). Measurements decide the findings when present. If precise
mode is not possible, the reason is reported and the estimates stand.`
