/* pgcheckup L002 */
-- Tables first: only those whose estimated rows reach the lowest threshold (smallint's,
-- $1 × 32767) are looked at, and only their columns are read, by index; whether a column
-- is a key is then probed by index too. Nothing here scans pg_attribute or pg_depend.
WITH RECURSIVE tree(root, relid) AS (
    -- a partitioned table and its partitions; a plain table's own figures are in pg_class
    SELECT c.oid, c.oid
    FROM pg_catalog.pg_class c
    WHERE c.relkind = 'p' AND NOT c.relispartition
  UNION ALL
    SELECT tree.root, h.inhrelid
    FROM tree
    JOIN pg_catalog.pg_inherits h ON h.inhparent = tree.relid
), sized AS (
    SELECT tree.root,
           pg_catalog.sum(GREATEST(c.reltuples, 0))::float8 AS rows,
           pg_catalog.sum(c.relpages)::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes
    FROM tree JOIN pg_catalog.pg_class c ON c.oid = tree.relid AND c.relkind = 'r'
    GROUP BY tree.root
), tbl AS MATERIALIZED (
    SELECT r.oid AS relid, n.nspname, r.relname, s.rows, s.bytes
    FROM pg_catalog.pg_class r
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    LEFT JOIN sized ON sized.root = r.oid
    CROSS JOIN LATERAL (
        SELECT COALESCE(sized.rows, GREATEST(r.reltuples, 0)::float8) AS rows,
               COALESCE(sized.bytes, r.relpages::bigint * pg_catalog.current_setting('block_size')::bigint) AS bytes
    ) s
    WHERE r.relkind IN ('r', 'p') AND NOT r.relispartition
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND s.rows >= $1::float8 * 32767
), cand AS (
    SELECT tbl.*, a.attnum, a.attname, a.attidentity <> '' AS is_identity,
           pg_catalog.format_type(bt.oid, NULL) AS col_type,
           CASE WHEN bt.oid = 'pg_catalog.int2'::pg_catalog.regtype THEN 32767 ELSE 2147483647 END::float8 AS col_max,
           EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
                   WHERE c.conrelid = tbl.relid AND c.contype = 'p' AND c.conkey = ARRAY[a.attnum]) AS is_pk,
           -- fed by a sequence: serial/identity (pg_depend 'a'/'i') or DEFAULT nextval()
           EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                   JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                   WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = tbl.relid
                     AND d.refobjsubid = a.attnum AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                     AND d.deptype IN ('a', 'i'))
             OR EXISTS (SELECT 1 FROM pg_catalog.pg_attrdef ad
                        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
                             AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
                        JOIN pg_catalog.pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
                        WHERE ad.adrelid = tbl.relid AND ad.adnum = a.attnum) AS is_fed
    FROM tbl
    JOIN pg_catalog.pg_attribute a ON a.attrelid = tbl.relid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
    WHERE bt.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
), big AS (
    -- $1 and $3: the shares of the type's maximum that make a key P3 and P2; the totals
    -- count every such key, listed or not
    SELECT cand.*, pg_catalog.count(*) OVER () AS total,
           pg_catalog.count(*) FILTER (WHERE cand.rows >= $3::float8 * cand.col_max) OVER () AS total_p2
    FROM cand
    WHERE (cand.is_pk OR cand.is_identity OR cand.is_fed) AND cand.rows >= $1::float8 * cand.col_max
    ORDER BY cand.rows / cand.col_max DESC, cand.relid, cand.attnum
    LIMIT $2
)
SELECT nspname AS schema, relname AS "table", attname AS "column", col_type, is_pk, is_identity,
       is_fed, rows::bigint, bytes, (100 * rows / col_max)::float8 AS rows_pct,
       pg_catalog.format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE bigint;', nspname, relname, attname) AS fix,
       total, total_p2
FROM big
ORDER BY rows / col_max DESC, relid, attnum
