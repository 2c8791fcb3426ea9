/* pgcheckup L002 */
WITH RECURSIVE fed AS (
    -- columns fed by a sequence: serial/identity (pg_depend 'a'/'i') or DEFAULT nextval()
    SELECT d.refobjid AS relid, d.refobjsubid AS attnum
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
  UNION
    SELECT ad.adrelid, ad.adnum
    FROM pg_catalog.pg_attrdef ad
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND d.objid = ad.oid
         AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
    JOIN pg_catalog.pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
), pk AS (
    SELECT c.conrelid AS relid, c.conkey[1] AS attnum
    FROM pg_catalog.pg_constraint c
    WHERE c.contype = 'p' AND pg_catalog.cardinality(c.conkey) = 1
), keycol AS (
    SELECT relid, attnum, pg_catalog.bool_or(is_pk) AS is_pk, pg_catalog.bool_or(NOT is_pk) AS is_fed
    FROM (SELECT relid, attnum, true AS is_pk FROM pk UNION ALL SELECT relid, attnum, false FROM fed) k
    GROUP BY relid, attnum
), cand AS (
    SELECT k.*, a.attname, a.attidentity <> '' AS is_identity, n.nspname, r.relname,
           r.relkind, r.reltuples, r.relpages,
           pg_catalog.format_type(bt.oid, NULL) AS col_type,
           CASE WHEN bt.oid = 'pg_catalog.int2'::pg_catalog.regtype THEN 32767 ELSE 2147483647 END::float8 AS col_max
    FROM keycol k
    JOIN pg_catalog.pg_class r ON r.oid = k.relid AND r.relkind IN ('r', 'p') AND NOT r.relispartition
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = k.relid AND a.attnum = k.attnum AND NOT a.attisdropped
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
    WHERE bt.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
), tree(root, relid) AS (
    -- a partitioned table and its partitions; a plain table's own figures are in cand
    SELECT DISTINCT relid, relid FROM cand WHERE relkind = 'p'
  UNION ALL
    SELECT tree.root, h.inhrelid
    FROM tree
    JOIN pg_catalog.pg_class pc ON pc.oid = tree.relid AND pc.relkind = 'p'
    JOIN pg_catalog.pg_inherits h ON h.inhparent = tree.relid
), sized AS (
    SELECT tree.root,
           pg_catalog.sum(GREATEST(c.reltuples, 0))::float8 AS rows,
           pg_catalog.sum(c.relpages)::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes
    FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.relid AND c.relkind = 'r'
    GROUP BY tree.root
), big AS (
    -- $1: the share of the type's maximum that the row count must reach
    -- (sized holds only partitioned tables, so this join stays small on large catalogs)
    SELECT cand.*, s.rows, s.bytes, pg_catalog.count(*) OVER () AS total
    FROM cand
    LEFT JOIN sized ON sized.root = cand.relid
    CROSS JOIN LATERAL (
        SELECT COALESCE(sized.rows, GREATEST(cand.reltuples, 0)::float8) AS rows,
               COALESCE(sized.bytes, cand.relpages::bigint * pg_catalog.current_setting('block_size')::bigint) AS bytes
    ) s
    WHERE s.rows >= $1 * cand.col_max
    ORDER BY s.rows / cand.col_max DESC, cand.relid, cand.attnum
    LIMIT $2
)
SELECT nspname AS schema, relname AS "table", attname AS "column", col_type, is_pk, is_identity, is_fed,
       rows::bigint, bytes, (100 * rows / col_max)::float8 AS rows_pct,
       pg_catalog.format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE bigint;', nspname, relname, attname) AS fix, total
FROM big
ORDER BY rows / col_max DESC, relid, attnum
