/* pgcheckup H003 */
WITH RECURSIVE fk AS (
    -- every foreign key and, when its table is partitioned, its clones on the partitions
    -- (root is the top constraint). Clones made for the partitions of a partitioned
    -- referenced table keep the referencing table and are left out: they would repeat it.
    SELECT c.oid AS root, c.oid, c.conrelid, c.conkey, c.conpfeqop, false AS period
    FROM pg_catalog.pg_constraint c
    WHERE c.contype = 'f' AND c.conparentid = 0
  UNION ALL
    SELECT fk.root, c.oid, c.conrelid, c.conkey, c.conpfeqop, fk.period
    FROM pg_catalog.pg_constraint c JOIN fk ON fk.oid = c.conparentid
    WHERE c.conparentid <> 0 AND c.conrelid <> fk.conrelid
), judged AS MATERIALIZED (
    -- One row per table whose rows the RI lookups scan: the referencing table itself or,
    -- when it is partitioned, each partition, judged with its own column numbers.
    -- Materialized (and narrow): the counts below read supported without judging twice.
    SELECT fk.root, fk.oid <> fk.root AS partition, r.relpages, r.reltuples, EXISTS (
        SELECT 1
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_catalog.pg_am am ON am.oid = ic.relam
        -- m: how many FK columns the index must lead with. All of them; for a temporal
        -- key (its PERIOD column last) also only the equality columns, which narrow the
        -- lookup to one key's rows however the index treats the period.
        -- (the two differ, so UNION ALL: nothing to sort per index)
        CROSS JOIN LATERAL (SELECT pg_catalog.cardinality(fk.conkey)
                            UNION ALL
                            SELECT pg_catalog.cardinality(fk.conkey) - 1 WHERE fk.period) m(n)
        WHERE i.indrelid = r.oid
          AND i.indisvalid AND i.indpred IS NULL
          -- cheap, and rules most indexes out before the checks below: the index leads
          -- with one of the key's columns
          AND i.indkey[0] = ANY (fk.conkey)
          AND am.amname IN ('btree', 'hash', 'gist')
          AND m.n > 0 AND i.indnkeyatts >= m.n
          -- the leading m key columns are the first m FK columns, in any order (an
          -- expression column is attnum 0 and never matches); one column needs no arrays
          AND CASE WHEN m.n = 1 THEN i.indkey[0] = fk.conkey[1]
                   ELSE (SELECT pg_catalog.array_agg(k ORDER BY k)
                         FROM pg_catalog.unnest((i.indkey::pg_catalog.int2[])[0:m.n - 1]) k)
                      = (SELECT pg_catalog.array_agg(k ORDER BY k) FROM pg_catalog.unnest(fk.conkey[1:m.n]) k) END
          -- each of those index columns can serve "$1 = fkcol" (or "$1 && period"): the
          -- commutator of the FK's PK-to-FK operator is in the column's operator family,
          -- same collation
          AND NOT EXISTS (
              SELECT 1
              FROM pg_catalog.generate_series(1, m.n) f
              JOIN pg_catalog.pg_operator o ON o.oid = fk.conpfeqop[f]
              WHERE NOT EXISTS (
                  SELECT 1
                  FROM pg_catalog.generate_series(0, m.n - 1) p
                  JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[p]
                  JOIN pg_catalog.pg_amop ao ON ao.amopfamily = oc.opcfamily AND ao.amopopr = o.oprcom
                  -- the column's collation, looked up by (attrelid, attnum): a join here
                  -- made the planner read every column of the table, once per key
                  WHERE i.indkey[p] = fk.conkey[f]
                    AND i.indcollation[p] = (SELECT a.attcollation FROM pg_catalog.pg_attribute a
                                             WHERE a.attrelid = r.oid AND a.attnum = fk.conkey[f])))
    ) AS supported
    FROM fk JOIN pg_catalog.pg_class r ON r.oid = fk.conrelid
    WHERE r.relkind = 'r'
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
    SELECT weighed.root, c.confrelid
    FROM weighed JOIN pg_catalog.pg_constraint c ON c.oid = weighed.root
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
    JOIN pg_catalog.pg_class t ON t.oid = reftree.relid AND t.relkind = 'r'
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
-- the PERIOD column of a temporal key: they arrive in 18, none here
LEFT JOIN pg_catalog.pg_attribute pa
       ON false AND pa.attrelid = c.conrelid AND pa.attnum = c.conkey[pg_catalog.cardinality(c.conkey)]
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
