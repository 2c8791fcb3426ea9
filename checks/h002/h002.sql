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
), ranked AS (
    SELECT u.*, pg_catalog.count(*) OVER () AS total
    FROM unit u
    JOIN pg_catalog.pg_index i ON i.indexrelid = u.indexrelid
    JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
    WHERE u.scans = 0
      AND i.indisvalid AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_(toast|temp_)'
    ORDER BY u.pages DESC, u.indexrelid
    LIMIT $1
)
SELECT n.nspname AS schema, ic.relname AS index, tc.relname AS "table",
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname) AS ident,
       r.partitions, r.scans AS idx_scan,
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
       r.total
FROM ranked r
JOIN pg_catalog.pg_index i ON i.indexrelid = r.indexrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
ORDER BY r.pages DESC, r.indexrelid
