/* pgcheckup L004 */
WITH RECURSIVE keyless AS (
    -- partitions are judged through their root: a key on the root is a key on each
    SELECT r.oid, r.relkind, r.relpages, GREATEST(r.reltuples, 0) AS reltuples, r.relreplident
    FROM pg_catalog.pg_class r
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    WHERE r.relkind IN ('r', 'p') AND NOT r.relispartition AND r.relpersistence <> 't'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
      -- tables of extensions are not the user's to change
      AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend d
          WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = r.oid AND d.deptype = 'e')
      -- a primary key, or a unique index that could be the replica identity: valid,
      -- immediate, not partial, no expressions, every key column NOT NULL. A primary
      -- key's columns are NOT NULL by definition: pg_attribute is probed only for the
      -- other unique indexes (probing it for every table's key read most of its pages)
      AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_index i
          WHERE i.indrelid = r.oid AND i.indisvalid AND i.indisunique AND i.indimmediate
            AND i.indpred IS NULL AND i.indexprs IS NULL
            AND (i.indisprimary OR NOT EXISTS (
                SELECT 1 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = r.oid AND NOT a.attnotnull
                  AND a.attnum = ANY ((i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1]))))
), tree(root, relid, replident) AS (
    -- the table and, when it is partitioned, its partitions
    SELECT k.oid, k.oid, k.relreplident FROM keyless k
  UNION ALL
    SELECT tree.root, h.inhrelid, tree.replident
    FROM tree
    JOIN pg_catalog.pg_class pc ON pc.oid = tree.relid AND pc.relkind = 'p'
    JOIN pg_catalog.pg_inherits h ON h.inhparent = tree.relid
), published AS (
    SELECT DISTINCT c.oid
    FROM pg_catalog.pg_publication_tables pt
    -- only publications of UPDATE or DELETE need a replica identity
    JOIN pg_catalog.pg_publication p ON p.pubname = pt.pubname AND (p.pubupdate OR p.pubdelete)
    JOIN pg_catalog.pg_namespace pn ON pn.nspname = pt.schemaname
    JOIN pg_catalog.pg_class c ON c.relnamespace = pn.oid AND c.relname = pt.tablename
), sized AS (
    -- sizes of the leaf tables; a partitioned table without partitions yet is still a
    -- table without a key, of size 0
    SELECT tree.root, tree.replident,
           COALESCE(pg_catalog.sum(c.relpages) FILTER (WHERE c.relkind = 'r'), 0)::bigint AS relpages,
           COALESCE(pg_catalog.sum(GREATEST(c.reltuples, 0)) FILTER (WHERE c.relkind = 'r'), 0)::bigint AS reltuples,
           pg_catalog.count(*) FILTER (WHERE c.relkind = 'r') AS leaves,
           pg_catalog.bool_or(tree.relid IN (SELECT oid FROM published) OR tree.root IN (SELECT oid FROM published)) AS published
    FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.relid
    GROUP BY tree.root, tree.replident
), ranked AS (
    SELECT sized.*
    FROM sized
    ORDER BY relpages DESC, reltuples DESC, root
    LIMIT $1
), totals AS (
    -- every table without a key, and the unlisted ones by the severity analyze() gives
    SELECT pg_catalog.count(*) AS total,
           pg_catalog.count(*) FILTER (WHERE unlisted AND p1) AS p1,
           pg_catalog.count(*) FILTER (WHERE unlisted AND NOT p1 AND big) AS p2,
           pg_catalog.count(*) FILTER (WHERE unlisted AND NOT p1 AND NOT big) AS p3
    FROM (SELECT s.root NOT IN (SELECT root FROM ranked) AS unlisted,
                 s.published AND s.replident IN ('d', 'n') AS p1,
                 s.relpages * pg_catalog.current_setting('block_size')::bigint >= $2 AS big
          FROM sized s) u
)
SELECT n.nspname AS schema, r.relname AS "table", r.relkind = 'p' AS partitioned, k.leaves AS partitions,
       k.relpages * pg_catalog.current_setting('block_size')::bigint AS bytes, k.reltuples AS rows,
       r.relreplident::text AS replica_identity, r.relpersistence = 'u' AS unlogged, k.published,
       cand.index_name, cand.nullable_columns,
       -- a name for a surrogate key column that the table does not use yet
       (SELECT f.name
        FROM (VALUES (1, 'id'), (2, 'row_id'), (3, 'surrogate_id'), (4, 'pgcheckup_surrogate_id')) f(ord, name)
        WHERE r.oid IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                          WHERE a.attrelid = r.oid AND a.attname = f.name::pg_catalog.name)
        ORDER BY f.ord LIMIT 1) AS surrogate_column,
       tot.total::int, tot.p1::int AS unlisted_p1, tot.p2::int AS unlisted_p2, tot.p3::int AS unlisted_p3
-- one row with only the totals when no table is listed
FROM totals tot
LEFT JOIN (ranked k
    JOIN pg_catalog.pg_class r ON r.oid = k.root
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace) ON true
LEFT JOIN LATERAL (
    -- a unique index that would qualify if its columns were NOT NULL
    SELECT ic.relname AS index_name,
           (SELECT pg_catalog.array_agg(a.attname ORDER BY a.attnum)
            FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = r.oid AND NOT a.attnotnull
              AND a.attnum = ANY ((i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1])) AS nullable_columns
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = r.oid AND i.indisvalid AND i.indisunique AND i.indimmediate
      AND i.indpred IS NULL AND i.indexprs IS NULL
    ORDER BY i.indnkeyatts, ic.relname
    LIMIT 1
) cand ON true
ORDER BY k.relpages DESC, k.reltuples DESC, k.root
