/* pgcheckup L005 */
WITH nv AS (
    SELECT c.oid, c.conrelid, c.contypid, n.nspname, COALESCE(r.relname, ty.typname) AS object,
           r.relkind, COALESCE(r.relpages, 0) AS relpages, GREATEST(COALESCE(r.reltuples, 0), 0) AS reltuples
    FROM pg_catalog.pg_constraint c
    LEFT JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
    LEFT JOIN pg_catalog.pg_type ty ON ty.oid = c.contypid
    JOIN pg_catalog.pg_namespace n ON n.oid = COALESCE(r.relnamespace, ty.typnamespace)
    WHERE NOT c.convalidated
      -- copies on partitions and inheritance children are validated with their parent
      AND c.conparentid = 0 AND c.conislocal
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
), sized AS (
    SELECT nv.*,
           CASE WHEN nv.relkind = 'p'
                THEN (SELECT pg_catalog.sum(p.relpages)::bigint
                      FROM pg_catalog.pg_partition_tree(nv.conrelid) pt
                      JOIN pg_catalog.pg_class p ON p.oid = pt.relid)
                ELSE nv.relpages END AS pages,
           pg_catalog.count(*) OVER () AS total
    FROM nv
), ranked AS (
    SELECT * FROM sized ORDER BY pages DESC, oid LIMIT $1
)
SELECT k.nspname AS schema, k.object, c.conname AS constraint_name,
       CASE c.contype WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' WHEN 'n' THEN 'not null'
                      ELSE c.contype::text END AS kind,
       c.conrelid = 0 AS on_domain,
       pg_catalog.pg_get_constraintdef(c.oid) AS definition,
       k.pages * pg_catalog.current_setting('block_size')::bigint AS bytes, k.reltuples::bigint AS rows,
       pg_catalog.format(CASE WHEN c.conrelid = 0 THEN 'ALTER DOMAIN %I.%I VALIDATE CONSTRAINT %I;'
                              ELSE 'ALTER TABLE %I.%I VALIDATE CONSTRAINT %I;' END,
                         k.nspname, k.object, c.conname) AS fix,
       k.total
FROM ranked k
JOIN pg_catalog.pg_constraint c ON c.oid = k.oid
ORDER BY k.pages DESC, k.oid
