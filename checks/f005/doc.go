package f005

const doc = `Estimates how much of each large btree index REINDEX would free, from planner statistics
only: no index is read. Each estimate carries a confidence, and only high-confidence estimates
(or measurements) become P1/P2 findings.

**What it reads.** One query over ` + "`pg_index`" + `, ` + "`pg_class`" + `, ` + "`pg_attribute`" + `, ` + "`pg_stats`" + ` and
` + "`pg_stat_all_tables`" + ` for the ` + "`top_n`" + ` (default 100) largest valid btree indexes by ` + "`relpages`" + `, of at
least ` + "`min_size_bytes`" + ` (default 1 MiB). Other access methods (GIN, GiST, BRIN, hash), indexes of
temporary tables and invalid indexes are not estimated. Indexes are ranked by ` + "`relpages`" + ` (no
size function is called), and the indexes beyond the top N are counted: one info finding says
how many btree indexes pass the size floor in all and how many were not estimated (their
bloat is unknown, so they count at the lowest severity, info).

**The estimate** (the "btree bloat" query family, written anew), for the leaf level:
- entry size = 8-byte IndexTupleData (16 with the NULL bitmap, counted when any indexed column
  has NULLs) + MAXALIGN(key and INCLUDE values, laid out with alignment padding, each taking
  ` + "`avg_width`" + ` of the table column, or of the expression, when not NULL) + 4-byte line pointer.
  Widths come from the index's stored type. ` + "`name`" + ` columns are stored by name_ops as a cstring of the
  string's length plus a zero byte (checked on 12 to 18), not the 64 bytes ` + "`avg_width`" + ` gives: their
  width is the average byte length of the values in their statistics (most common values by
  frequency, histogram bounds for the rest), computed on the server so that no value leaves
  it; without such values the estimate has low confidence. ANALYZE truncates ` + "`avg_width`" + ` to
  whole bytes, so a variable-width column counts half a byte more.
- entries per leaf page = (block_size - 48 - block_size × (100 - fillfactor)/100) / entry size,
  rounded down, as CREATE INDEX fills leaves (a page is closed when its free space drops under
  the fillfactor's reserve; its last entry moves on and a high key takes its place);
  fillfactor defaults to 90.
- minimal pages = metapage + ` + "`reltuples`" + ` / entries per leaf page + internal levels at 70%;
  bloat = ` + "`relpages`" + ` - minimal pages.

**Precision.** High-confidence estimates land within 5 percentage points of pgstatindex
(1 - avg_leaf_density / fillfactor) on the shapes the integration tests plant on PostgreSQL
12, 15 and 18: int and bigint keys, 64-character and short (2 to 7 characters) text keys, an
expression key, name keys alone and with an int, fresh and made sparse by deletes (within 1
point on those). The average width is padded to 8 bytes like one entry's; when entry widths
straddle an 8-byte boundary, real padding differs and the estimate can be a few points off.

**Too small to judge.** An index of fewer than ` + "`min_pages`" + ` pages (default 128, 1 MiB at 8 kB pages;
relpages, or in precise mode the measured size) gets no percentage and no finding: the
metapage, the root and one half-empty leaf are a large share of it. It is listed as "too
small to judge". ` + "`min_size_bytes`" + ` decides what is listed at all.

**Confidence.**
- *unknown* (no number): the role cannot read the ` + "`pg_stats`" + ` rows of an indexed column (a role with
  only pg_monitor sees none; an expression's statistics belong to the index and only the table's
  owner or a superuser sees them), row-level security hides them, the table was never analyzed,
  or a variable-width column has no statistics.
- *low* (info only, when the estimate reaches the P2 threshold): stale table statistics
  (` + "`n_mod_since_analyze`" + ` above ` + "`stale_percent`" + `, default 20, of ` + "`reltuples`" + `); a fixed-width column without
  statistics; a partial index (statistics describe the whole table); a name column whose
  statistics hold no values to measure its length; a toastable column in a table with TOAST data (the index stores the whole
  value where ` + "`avg_width`" + ` counts an 18-byte pointer); many duplicate keys on PostgreSQL 13+, where
  deduplication stores them as posting lists, smaller than the estimate assumes (the leading
  column has fewer distinct values than half the rows; unique indexes, indexes with INCLUDE
  columns or deduplicate_items off are not affected).
- *high*: otherwise.

**Findings.** P2 from ` + "`p2_percent`" + ` (default 40), P1 from ` + "`p1_percent`" + ` (default 90) of the index's
pages. An index that gets random inserts settles around 70% leaf density, i.e. about 20-25%
"bloat" against a fresh build at fillfactor 90: that is normal and not worth a REINDEX.
The fix is ` + "`REINDEX INDEX CONCURRENTLY`" + ` (12+), which does not block writes.

**Precise mode** (` + "`--precise-bloat`" + `): the candidates are measured with ` + "`pgstatindex`" + `, which **reads
every page of each index** and so costs I/O. Needs the pgstattuple extension (in any schema:
it is called by the schema that pg_extension names) in this database, and a superuser or a member of ` + "`pg_stat_scan_tables`" + ` (included in pg_monitor).
Bloat is then 1 - (leaf_pages × avg_leaf_density / fillfactor + internal_pages + 1) / index
pages: live leaf entries repacked to the fillfactor, empty and deleted pages dropped.
Measurements decide the findings when present. If precise mode is not possible, the reason
is reported and the estimates stand.`
