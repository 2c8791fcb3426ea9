/* pgcheckup H002 */
-- The listed indexes only, picked in Go from the passes over the catalogs (read.go):
-- $1 their oids (at most twice top_n), $2 how many partition indexes each sums (0: a plain
-- index); $3-$5 every index in the tree below a partitioned one, the root included (root,
-- member, the member's table when it is an index with storage, else 0). Their names,
-- definitions, sizes and tables' writes lock or look up one relation each.
WITH locked AS (
    -- pg_relation_size locks the index and pg_get_indexdef its table: behind an ACCESS
    -- EXCLUSIVE lock (held or awaited) they would wait until lock_timeout, so they are skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), tree AS (
    SELECT t.root, t.relid, t.tab
    FROM ROWS FROM (pg_catalog.unnest($3::pg_catalog.oid[]), pg_catalog.unnest($4::pg_catalog.oid[]),
                   pg_catalog.unnest($5::pg_catalog.oid[])) t(root, relid, tab)
)
SELECT r.indexrelid, n.nspname AS schema, ic.relname AS index, tc.relname AS "table",
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname) AS ident,
       -- rows written to the table since the statistics began that add index entries
       -- (inserts and updates other than HOT ones), summed over the partitions' tables;
       -- counted only where they happen: 0 on a standby
       -- (the functions pg_stat_all_tables reads n_tup_ins, n_tup_upd and n_tup_hot_upd
       -- from, called directly: the view groups each table with its indexes first)
       CASE WHEN r.partitions = 0 THEN
                pg_catalog.pg_stat_get_tuples_inserted(i.indrelid) + pg_catalog.pg_stat_get_tuples_updated(i.indrelid)
                    - pg_catalog.pg_stat_get_tuples_hot_updated(i.indrelid)
            ELSE (SELECT pg_catalog.sum(pg_catalog.pg_stat_get_tuples_inserted(t.tab) + pg_catalog.pg_stat_get_tuples_updated(t.tab)
                                        - pg_catalog.pg_stat_get_tuples_hot_updated(t.tab))::bigint
                  FROM tree t
                  WHERE t.root = r.indexrelid AND t.tab <> 0)
       END AS writes,
       CASE WHEN r.partitions = 0 THEN
                CASE WHEN r.indexrelid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.indexrelid) END
            ELSE (SELECT pg_catalog.sum(pg_catalog.pg_relation_size(t.relid))::bigint
                  FROM tree t
                  WHERE t.root = r.indexrelid AND t.tab <> 0 AND t.relid NOT IN (SELECT relation FROM locked))
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
       ) AS supports_fks
FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.int4[])) r(indexrelid, partitions)
JOIN pg_catalog.pg_index i ON i.indexrelid = r.indexrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
