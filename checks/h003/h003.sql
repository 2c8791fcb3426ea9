/* pgcheckup H003 */
WITH RECURSIVE fk AS (
    SELECT c.oid AS root, c.oid, c.conrelid
    FROM pg_catalog.pg_constraint c
    WHERE c.contype = 'f' AND c.conparentid = 0
  UNION ALL
    SELECT fk.root, c.oid, c.conrelid
    FROM fk JOIN pg_catalog.pg_constraint c ON c.conparentid = fk.oid
), leaf AS (
    -- The tables whose rows the RI lookups scan: the referencing table itself or, when it
    -- is partitioned, each partition. Clones made for the partitions of a partitioned
    -- referenced table repeat the same referencing table, hence DISTINCT.
    SELECT DISTINCT fk.root, r.oid AS relid, r.relpages, r.reltuples
    FROM fk JOIN pg_catalog.pg_class r ON r.oid = fk.conrelid
    WHERE r.relkind = 'r'
), judged AS (
    SELECT l.*, EXISTS (
        SELECT 1
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_catalog.pg_am am ON am.oid = ic.relam
        WHERE i.indrelid = l.relid
          AND i.indisvalid AND i.indpred IS NULL
          AND am.amname IN ('btree', 'hash', 'gist')
          AND i.indnkeyatts >= pg_catalog.cardinality(c.conkey)
          -- the leading n key columns are the FK's columns, in any order (an expression
          -- column is attnum 0 and never matches)
          AND (SELECT pg_catalog.array_agg(k ORDER BY k)
               FROM pg_catalog.unnest((i.indkey::pg_catalog.int2[])[0:pg_catalog.cardinality(c.conkey) - 1]) k)
            = (SELECT pg_catalog.array_agg(k ORDER BY k) FROM pg_catalog.unnest(c.conkey) k)
          -- each of those index columns can serve "$1 = fkcol": the commutator of the
          -- FK's PK = FK operator is in the column's operator family, same collation
          AND NOT EXISTS (
              SELECT 1
              FROM pg_catalog.generate_subscripts(c.conkey, 1) f
              JOIN pg_catalog.pg_attribute a ON a.attrelid = l.relid AND a.attnum = c.conkey[f]
              JOIN pg_catalog.pg_operator o ON o.oid = c.conpfeqop[f]
              WHERE NOT EXISTS (
                  SELECT 1
                  FROM pg_catalog.generate_series(0, pg_catalog.cardinality(c.conkey) - 1) p
                  JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[p]
                  JOIN pg_catalog.pg_amop ao ON ao.amopfamily = oc.opcfamily AND ao.amopopr = o.oprcom
                  WHERE i.indkey[p] = c.conkey[f] AND i.indcollation[p] = a.attcollation))
    ) AS supported
    FROM leaf l JOIN pg_catalog.pg_constraint c ON c.oid = l.root
), agg AS (
    SELECT root,
           pg_catalog.count(*) AS leaves,
           pg_catalog.count(*) FILTER (WHERE NOT supported) AS unsupported,
           pg_catalog.sum(relpages)::bigint AS relpages,
           pg_catalog.sum(GREATEST(reltuples, 0))::bigint AS reltuples
    FROM judged
    GROUP BY root
    HAVING pg_catalog.count(*) FILTER (WHERE NOT supported) > 0
), ranked AS (
    SELECT agg.*, pg_catalog.count(*) OVER () AS total
    FROM agg
    ORDER BY agg.relpages DESC, agg.root
    LIMIT $1
), reftree(root, relid) AS (
    -- the referenced table and, when it is partitioned, its partitions
    SELECT ranked.root, c.confrelid
    FROM ranked JOIN pg_catalog.pg_constraint c ON c.oid = ranked.root
  UNION ALL
    SELECT reftree.root, h.inhrelid
    FROM reftree
    JOIN pg_catalog.pg_class pc ON pc.oid = reftree.relid AND pc.relkind = 'p'
    JOIN pg_catalog.pg_inherits h ON h.inhparent = reftree.relid
), ref AS (
    SELECT reftree.root,
           pg_catalog.sum(t.relpages)::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes,
           pg_catalog.sum(s.n_tup_upd + s.n_tup_del)::bigint AS writes
    FROM reftree
    JOIN pg_catalog.pg_class t ON t.oid = reftree.relid AND t.relkind = 'r'
    LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = t.oid
    GROUP BY reftree.root
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
       ranked.relpages * pg_catalog.current_setting('block_size')::bigint AS table_bytes,
       ranked.reltuples AS table_rows,
       COALESCE(ref.bytes, 0) AS ref_table_bytes, ref.writes AS ref_writes,
       pg_catalog.format(CASE WHEN r.relkind = 'p' THEN 'CREATE INDEX ON %I.%I (%s);'
                              ELSE 'CREATE INDEX CONCURRENTLY ON %I.%I (%s);' END,
           n.nspname, r.relname,
           (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.ord)
            FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY k(att, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att)) AS fix,
       ranked.total
FROM ranked
JOIN pg_catalog.pg_constraint c ON c.oid = ranked.root
JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
JOIN pg_catalog.pg_class f ON f.oid = c.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
LEFT JOIN ref ON ref.root = ranked.root
ORDER BY ranked.relpages DESC, ranked.root
