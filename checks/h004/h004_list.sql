/* pgcheckup H004 */
-- Names, sizes, scans and definitions of the listed indexes (at most top_n, from
-- keeper.go), and the names of the locked tables whose indexes were not compared.
WITH RECURSIVE locked AS (
    -- pg_relation_size locks the index, pg_get_indexdef its table: behind an ACCESS
    -- EXCLUSIVE lock (held or awaited by another session) they would wait until
    -- lock_timeout, so they are not called for those relations
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), ranked AS (
    SELECT *
    FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.oid[]),
                    pg_catalog.unnest($3::pg_catalog.oid[]), pg_catalog.unnest($4::pg_catalog.bool[]),
                    pg_catalog.unnest($5::pg_catalog.bool[]), pg_catalog.unnest($6::pg_catalog.text[]),
                    pg_catalog.unnest($7::pg_catalog.bool[]), pg_catalog.unnest($8::pg_catalog.bool[]))
         WITH ORDINALITY r(drop_oid, keep_oid, indrelid, partitioned, duplicate, rule, clustered, table_locked, n)
), itree(root, relid) AS (
    -- a partitioned index and the indexes of its partitions
    SELECT o.oid, o.oid
    FROM ranked, LATERAL (VALUES (ranked.drop_oid), (ranked.keep_oid)) o(oid)
    WHERE ranked.partitioned
  UNION ALL
    SELECT itree.root, h.inhrelid
    FROM itree JOIN pg_catalog.pg_inherits h ON h.inhparent = itree.relid
), isize AS (
    SELECT root,
           pg_catalog.sum(CASE WHEN relid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(relid) END)::bigint AS bytes,
           pg_catalog.bool_or(relid IN (SELECT relation FROM locked)) AS locked
    FROM itree GROUP BY root
), not_compared AS (
    -- tables under a lock with an index whose predicate or expressions could not be
    -- compared with another's
    SELECT pg_catalog.array_agg(n.nspname ORDER BY n.nspname, t.relname) AS schemas, pg_catalog.array_agg(t.relname ORDER BY n.nspname, t.relname) AS names
    FROM (SELECT DISTINCT u.indrelid FROM pg_catalog.unnest($9::pg_catalog.oid[]) u(indrelid)) u
    JOIN pg_catalog.pg_class t ON t.oid = u.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
)
SELECT n.nspname AS schema, t.relname AS "table",
       d.relname AS drop_index, k.relname AS keep_index, r.duplicate, r.rule,
       CASE WHEN r.partitioned THEN dsz.bytes
            WHEN r.drop_oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.drop_oid) END AS drop_bytes,
       CASE WHEN r.partitioned THEN ksz.bytes
            WHEN r.keep_oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.keep_oid) END AS keep_bytes,
       -- what pg_stat_all_indexes.idx_scan shows, without reading the view for every index
       pg_catalog.pg_stat_get_numscans(r.drop_oid) AS drop_scans, pg_catalog.pg_stat_get_numscans(r.keep_oid) AS keep_scans,
       r.partitioned, r.clustered,
       CASE WHEN NOT r.table_locked AND r.drop_oid NOT IN (SELECT relation FROM locked)
            THEN pg_catalog.pg_get_indexdef(r.drop_oid) END AS drop_def,
       CASE WHEN NOT r.table_locked AND r.keep_oid NOT IN (SELECT relation FROM locked)
            THEN pg_catalog.pg_get_indexdef(r.keep_oid) END AS keep_def,
       r.table_locked OR COALESCE(dsz.locked, false) OR COALESCE(ksz.locked, false)
           OR r.drop_oid IN (SELECT relation FROM locked) OR r.keep_oid IN (SELECT relation FROM locked) AS locked,
       CASE WHEN r.drop_oid IS NOT NULL
            THEN pg_catalog.format(CASE WHEN r.partitioned THEN 'DROP INDEX %I.%I;' ELSE 'DROP INDEX CONCURRENTLY %I.%I;' END,
                                   n.nspname, d.relname) END AS drop_statement,
       nc.schemas AS not_compared_schemas, nc.names AS not_compared_tables
-- one row with only not_compared when no index is listed
FROM not_compared nc
LEFT JOIN (ranked r
    JOIN pg_catalog.pg_class d ON d.oid = r.drop_oid
    JOIN pg_catalog.pg_class k ON k.oid = r.keep_oid
    JOIN pg_catalog.pg_class t ON t.oid = r.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN isize dsz ON dsz.root = r.drop_oid
    LEFT JOIN isize ksz ON ksz.root = r.keep_oid) ON true
ORDER BY r.n
