/* pgcheckup H002 */
WITH RECURSIVE locked AS (
    -- pg_relation_size locks the index and pg_get_indexdef its table: behind an ACCESS
    -- EXCLUSIVE lock (held or awaited) they would wait until lock_timeout, so they are skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), tree AS (
    -- every index under a top-level partitioned index, from pg_inherits (which takes no
    -- locks, unlike pg_partition_tree)
    SELECT c.oid AS root, c.oid AS relid
    FROM pg_catalog.pg_class c
    WHERE c.relkind = 'I' AND NOT c.relispartition
  UNION ALL
    SELECT t.root, h.inhrelid
    FROM tree t JOIN pg_catalog.pg_inherits h ON h.inhparent = t.relid
), unit AS (
    -- what can be dropped on its own: an index that is not a partition of another, with
    -- the scans and pages of all its partitions when it is partitioned
    SELECT c.oid AS indexrelid, c.relpages::bigint AS pages,
           pg_catalog.pg_stat_get_numscans(c.oid) AS scans, 0::bigint AS partitions
    FROM pg_catalog.pg_class c
    WHERE c.relkind = 'i' AND NOT c.relispartition
  UNION ALL
    SELECT t.root, pg_catalog.sum(c.relpages)::bigint,
           pg_catalog.sum(pg_catalog.pg_stat_get_numscans(c.oid))::bigint, pg_catalog.count(*)
    FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.relid
    WHERE c.relkind = 'i'
    GROUP BY t.root
), unused AS MATERIALIZED (
    -- read three times (for the listings and for the totals): kept rather than computed
    -- again (tens of thousands of rows at 50,000 tables fit pgcheckup's work_mem). Holds the
    -- indexes without scans and the large ones (at least $3 bytes by relpages, scanned or
    -- not), whose scans are listed on every node alike, so nodes can be compared
    SELECT u.indexrelid, u.pages, u.scans, u.partitions, i.indrelid, i.indpred IS NULL AS not_partial,
           i.indkey, i.indnkeyatts
    FROM unit u
    JOIN pg_catalog.pg_index i ON i.indexrelid = u.indexrelid
    JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
    WHERE (u.scans = 0 OR u.pages * pg_catalog.current_setting('block_size')::bigint >= $3)
      AND i.indisvalid AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
      -- a constraint of the table backed by the index (a foreign key only references
      -- unique indexes, left out above); looked up per index through pg_constraint's
      -- conrelid index (inside NOT (... OR ...), so that it is not turned into a hash
      -- join over the whole catalog)
      AND NOT (i.indisunique OR EXISTS (
          SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid))
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_(toast|temp_)'
), ranked AS (
    -- the largest without scans, and the largest of at least $3 bytes, scanned or not:
    -- the latter are the same indexes on every node of a cluster (relpages is replicated)
    (SELECT false AS large, u.indexrelid, u.pages, u.scans, u.partitions
     FROM unused u
     WHERE u.scans = 0
     ORDER BY u.pages DESC, u.indexrelid
     LIMIT $1)
  UNION ALL
    (SELECT true, u.indexrelid, u.pages, u.scans, u.partitions
     FROM unused u
     WHERE u.pages * pg_catalog.current_setting('block_size')::bigint >= $3
     ORDER BY u.pages DESC, u.indexrelid
     LIMIT $1)
), totals AS (
    -- every unused index, and the unlisted ones by the finding they would make (by
    -- relpages): supporting a foreign key (info), at least min_size_bytes (P3, or info
    -- while the statistics are too young), or smaller (no finding)
    SELECT pg_catalog.count(*) FILTER (WHERE unused) AS total,
           pg_catalog.count(*) FILTER (WHERE unused AND unlisted AND fk) AS fk,
           pg_catalog.count(*) FILTER (WHERE unused AND unlisted AND NOT fk AND big) AS big,
           pg_catalog.count(*) FILTER (WHERE large) AS large
    FROM (SELECT u.scans = 0 AS unused,
                 u.pages * pg_catalog.current_setting('block_size')::bigint >= $3 AS large,
                 u.indexrelid NOT IN (SELECT indexrelid FROM ranked WHERE NOT large) AS unlisted,
                 u.pages * pg_catalog.current_setting('block_size')::bigint >= $2 AS big,
                 u.not_partial AND EXISTS (
                     SELECT 1 FROM pg_catalog.pg_constraint f
                     WHERE f.contype = 'f' AND f.conrelid = u.indrelid
                       AND pg_catalog.cardinality(f.conkey) <= u.indnkeyatts
                       -- one column, the common case, without sorting arrays
                       AND CASE WHEN pg_catalog.cardinality(f.conkey) = 1 THEN u.indkey[0] = f.conkey[1]
                                ELSE (SELECT pg_catalog.array_agg(x.k ORDER BY x.k)
                            FROM pg_catalog.unnest(u.indkey::pg_catalog.int2[]) WITH ORDINALITY x(k, o)
                            WHERE x.o <= pg_catalog.cardinality(f.conkey))
                         = (SELECT pg_catalog.array_agg(k ORDER BY k) FROM pg_catalog.unnest(f.conkey) k) END) AS fk
          FROM unused u) v
), unjudged AS (
    -- indexes of partitioned tables without partitions yet (none below them is an index
    -- with storage): no scan of them can be counted, so they are not judged
    SELECT pg_catalog.count(*) AS n
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'I' AND NOT c.relispartition
      AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
      AND NOT (i.indisunique OR EXISTS (
          SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid))
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
      AND NOT EXISTS (SELECT 1 FROM tree t JOIN pg_catalog.pg_class l ON l.oid = t.relid WHERE t.root = c.oid AND l.relkind = 'i')
)
SELECT r.large, r.indexrelid, r.pages,
       n.nspname AS schema, ic.relname AS index, tc.relname AS "table",
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname) AS ident,
       r.partitions, r.scans AS idx_scan,
       -- rows written to the table since the statistics began that add index entries
       -- (inserts and updates other than HOT ones), summed over the partitions' tables;
       -- counted only where they happen: 0 on a standby
       -- (through the view, one table at a time: its GROUP BY takes the relid filter)
       CASE WHEN r.partitions = 0 THEN
                (SELECT s.n_tup_ins + s.n_tup_upd - s.n_tup_hot_upd FROM pg_catalog.pg_stat_all_tables s WHERE s.relid = i.indrelid)
            ELSE (SELECT pg_catalog.sum((SELECT s.n_tup_ins + s.n_tup_upd - s.n_tup_hot_upd
                                         FROM pg_catalog.pg_stat_all_tables s WHERE s.relid = pi.indrelid))::bigint
                  FROM tree t JOIN pg_catalog.pg_index pi ON pi.indexrelid = t.relid
                  JOIN pg_catalog.pg_class c ON c.oid = t.relid
                  WHERE t.root = r.indexrelid AND c.relkind = 'i')
       END AS writes,
       CASE WHEN r.partitions = 0 THEN
                CASE WHEN r.indexrelid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.indexrelid) END
            ELSE (SELECT pg_catalog.sum(pg_catalog.pg_relation_size(t.relid))::bigint
                  FROM tree t JOIN pg_catalog.pg_class c ON c.oid = t.relid
                  WHERE t.root = r.indexrelid AND c.relkind = 'i' AND t.relid NOT IN (SELECT relation FROM locked))
       END AS size_bytes,
       EXISTS (SELECT 1 FROM tree t JOIN locked l ON l.relation = t.relid WHERE t.root = r.indexrelid)
           OR r.indexrelid IN (SELECT relation FROM locked) AS locked,
       i.indrelid IN (SELECT relation FROM locked) AS table_locked,
       i.indexprs IS NOT NULL AS expressions,
       i.indpred IS NOT NULL AS partial,
       CASE WHEN i.indrelid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_get_indexdef(r.indexrelid) END AS definition,
       -- foreign keys of the table whose columns are exactly the index's leading columns,
       -- in any order, compared as attribute numbers (an expression column is 0)
       (SELECT pg_catalog.array_agg(f.conname ORDER BY f.conname)
        FROM pg_catalog.pg_constraint f
        WHERE f.contype = 'f' AND f.conrelid = i.indrelid AND i.indpred IS NULL
          AND pg_catalog.cardinality(f.conkey) <= i.indnkeyatts
          AND (SELECT pg_catalog.array_agg(u.k ORDER BY u.k)
               FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY u(k, o)
               WHERE u.o <= pg_catalog.cardinality(f.conkey))
            = (SELECT pg_catalog.array_agg(k ORDER BY k) FROM pg_catalog.unnest(f.conkey) k)
       ) AS supports_fks,
       tot.total::int, tot.fk::int AS unlisted_fk, tot.big::int AS unlisted_big, tot.large::int AS large_total,
       uj.n::int AS unjudged
-- one row with only the totals when no index is listed
FROM totals tot
CROSS JOIN unjudged uj
LEFT JOIN (ranked r
    JOIN pg_catalog.pg_index i ON i.indexrelid = r.indexrelid
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace) ON true
ORDER BY r.large, r.pages DESC, r.indexrelid
