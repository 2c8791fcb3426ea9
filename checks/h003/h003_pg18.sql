/* pgcheckup H003 */
-- Lists the foreign keys without a supporting index, largest referencing table first, and
-- counts them by severity. Go judged every table against its indexes (judge.go); $4..$7
-- are the tables of the keys that failed somewhere: root constraint, table, whether it is
-- a partition (of a partitioned referencing table), whether an index supports the key.
WITH RECURSIVE judged AS MATERIALIZED (
    -- each table's size: a hash join with one pass over pg_class, or a probe by oid per
    -- table; either is linear (the arrays' length is known to the planner)
    SELECT j.root, j.partition, j.supported, r.relpages, r.reltuples
    FROM ROWS FROM (pg_catalog.unnest($4::pg_catalog.oid[]), pg_catalog.unnest($5::pg_catalog.oid[]),
                    pg_catalog.unnest($6::pg_catalog.bool[]), pg_catalog.unnest($7::pg_catalog.bool[]))
         j(root, relid, partition, supported)
    JOIN pg_catalog.pg_class r ON r.oid = j.relid AND r.relkind = 'r'
), unindexed AS MATERIALIZED (
    -- a plain table: its one row; a partitioned one: its partitions summed, reported
    -- when any lacks the index. Only the partitions are grouped, to keep the hash small.
    SELECT root, 1::bigint AS leaves, 1::bigint AS unsupported, relpages::bigint AS relpages,
           GREATEST(reltuples, 0)::bigint AS reltuples
    FROM judged
    WHERE NOT partition AND NOT supported
  UNION ALL
    SELECT root, pg_catalog.count(*), pg_catalog.count(*) FILTER (WHERE NOT supported),
           pg_catalog.sum(relpages)::bigint, pg_catalog.sum(GREATEST(reltuples, 0))::bigint
    FROM judged
    WHERE partition
    GROUP BY root
    HAVING pg_catalog.bool_or(NOT supported)
), ranked AS (
    SELECT * FROM unindexed ORDER BY relpages DESC, root LIMIT $1
), weighed AS (
    -- the foreign keys whose severity needs the referenced table's writes: the listed
    -- ones and every other whose referencing table is large enough for P2
    SELECT root FROM ranked
    UNION
    SELECT root FROM unindexed
    WHERE relpages * pg_catalog.current_setting('block_size')::bigint >= $2
), reftree(root, relid) AS (
    -- the referenced table and, when it is partitioned, its partitions
    -- (probed by oid: weighed is the listed keys and the large tables, not the catalog)
    SELECT weighed.root, c.confrelid
    FROM weighed
    CROSS JOIN LATERAL (SELECT c.confrelid FROM pg_catalog.pg_constraint c
                        WHERE c.oid = weighed.root LIMIT 1) c
  UNION ALL
    SELECT reftree.root, h.inhrelid
    FROM reftree
    JOIN pg_catalog.pg_class pc ON pc.oid = reftree.relid AND pc.relkind = 'p'
    JOIN pg_catalog.pg_inherits h ON h.inhparent = reftree.relid
), ref AS (
    -- n_tup_upd + n_tup_del of pg_stat_all_tables, read by the functions behind that
    -- view for these tables only (the view aggregates every relation first)
    SELECT reftree.root,
           pg_catalog.sum(t.relpages)::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes,
           pg_catalog.sum(pg_catalog.pg_stat_get_tuples_updated(t.oid)
                          + pg_catalog.pg_stat_get_tuples_deleted(t.oid))::bigint AS writes
    FROM reftree
    CROSS JOIN LATERAL (SELECT t.oid, t.relpages FROM pg_catalog.pg_class t
                        WHERE t.oid = reftree.relid AND t.relkind = 'r' LIMIT 1) t
    GROUP BY reftree.root
), totals AS (
    -- every unindexed foreign key, and how many of them are P2 by analyze's rule
    SELECT pg_catalog.count(*) AS total,
           pg_catalog.count(*) FILTER (
               WHERE u.relpages * pg_catalog.current_setting('block_size')::bigint >= $2
                 AND ref.writes >= $3) AS total_p2
    FROM unindexed u LEFT JOIN ref ON ref.root = u.root
)
SELECT n.nspname AS schema, r.relname AS "table", c.conname AS constraint_name,
       r.relkind = 'p' AS partitioned, ranked.leaves, ranked.unsupported,
       (SELECT pg_catalog.array_agg(a.attname ORDER BY k.ord)
        FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY k(att, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att) AS columns,
       fn.nspname AS ref_schema, f.relname AS ref_table,
       (SELECT pg_catalog.array_agg(a.attname ORDER BY k.ord)
        FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY k(att, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att) AS ref_columns,
       pa.attname AS period,
       ranked.relpages * pg_catalog.current_setting('block_size')::bigint AS table_bytes,
       ranked.reltuples AS table_rows,
       COALESCE(ref.bytes, 0) AS ref_table_bytes, ref.writes AS ref_writes,
       pg_catalog.format(CASE WHEN r.relkind = 'p' THEN 'CREATE INDEX ON %I.%I %s(%s);'
                              ELSE 'CREATE INDEX CONCURRENTLY ON %I.%I %s(%s);' END,
           n.nspname, r.relname, CASE WHEN gist.ok THEN 'USING gist ' ELSE '' END,
           (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.ord)
            FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY k(att, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att
            -- a btree cannot use the period (no &&): it indexes the equality columns
            WHERE gist.ok OR pa.attnum IS NULL OR k.att <> pa.attnum)) AS fix,
       gist.ok AS fix_gist,
       totals.total, totals.total_p2
FROM ranked
CROSS JOIN totals
JOIN pg_catalog.pg_constraint c ON c.oid = ranked.root
JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
JOIN pg_catalog.pg_class f ON f.oid = c.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
LEFT JOIN ref ON ref.root = ranked.root
-- the PERIOD column of a temporal key is its last one
LEFT JOIN pg_catalog.pg_attribute pa
       ON c.conperiod AND pa.attrelid = c.conrelid AND pa.attnum = c.conkey[pg_catalog.cardinality(c.conkey)]
CROSS JOIN LATERAL (
    -- A temporal key is best served by GiST over all its columns (= and &&): possible
    -- when every column's type has a default GiST operator class that holds the key's
    -- operator (for scalar types that takes btree_gist). Otherwise btree.
    SELECT pa.attnum IS NOT NULL AND NOT EXISTS (
        SELECT 1
        FROM pg_catalog.generate_subscripts(c.conkey, 1) g
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[g]
        JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
        JOIN pg_catalog.pg_operator o ON o.oid = c.conpfeqop[g]
        WHERE NOT EXISTS (
            SELECT 1
            FROM pg_catalog.pg_opclass oc
            JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod AND am.amname = 'gist'
            JOIN pg_catalog.pg_type it ON it.oid = oc.opcintype
            JOIN pg_catalog.pg_amop ao ON ao.amopfamily = oc.opcfamily AND ao.amopopr = o.oprcom
            WHERE oc.opcdefault
              AND (oc.opcintype = a.atttypid
                   OR (it.typname = 'anyrange' AND ty.typtype = 'r')
                   OR (it.typname = 'anymultirange' AND ty.typtype = 'm'))))
) gist(ok)
ORDER BY ranked.relpages DESC, ranked.root
