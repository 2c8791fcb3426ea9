/* pgcheckup L005 */
WITH RECURSIVE locked AS (
    -- pg_get_constraintdef locks the table: behind an ACCESS EXCLUSIVE lock (held or
    -- awaited by another session) it would wait until lock_timeout, so it is skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), nv AS (
    SELECT c.oid, c.conrelid, n.nspname, COALESCE(r.relname, ty.typname) AS object, NOT c.conenforced AS not_enforced
    FROM pg_catalog.pg_constraint c
    LEFT JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
    LEFT JOIN pg_catalog.pg_type ty ON ty.oid = c.contypid
    JOIN pg_catalog.pg_namespace n ON n.oid = COALESCE(r.relnamespace, ty.typnamespace)
    WHERE NOT c.convalidated
      -- includes NOT ENFORCED (18): never validated, and VALIDATE refuses them
      -- copies on partitions and inheritance children are validated with their parent
      AND c.conparentid = 0 AND c.conislocal
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
), tree(root, relid) AS (
    -- what VALIDATE scans: the table and, when it is partitioned, its partitions
    SELECT nv.oid, nv.conrelid FROM nv WHERE nv.conrelid <> 0
  UNION ALL
    SELECT tree.root, h.inhrelid
    FROM tree
    JOIN pg_catalog.pg_class pc ON pc.oid = tree.relid AND pc.relkind = 'p'
    JOIN pg_catalog.pg_inherits h ON h.inhparent = tree.relid
), leaves AS (
    SELECT tree.root, pg_catalog.sum(p.relpages)::bigint AS pages,
           pg_catalog.sum(GREATEST(p.reltuples, 0))::bigint AS rows
    FROM tree JOIN pg_catalog.pg_class p ON p.oid = tree.relid AND p.relkind = 'r'
    GROUP BY tree.root
), sized AS (
    SELECT nv.*, COALESCE(l.pages, 0) AS pages, COALESCE(l.rows, 0) AS rows,
           pg_catalog.count(*) OVER () AS total,
           pg_catalog.count(*) FILTER (WHERE nv.not_enforced) OVER () AS total_not_enforced
    FROM nv LEFT JOIN leaves l ON l.root = nv.oid
), ranked AS (
    -- NOT VALID first: they are the ones with a problem to fix
    SELECT * FROM sized ORDER BY not_enforced, pages DESC, oid LIMIT $1
)
SELECT k.nspname AS schema, k.object, c.conname AS constraint_name,
       CASE c.contype WHEN 'f' THEN 'foreign key' WHEN 'c' THEN 'check' WHEN 'n' THEN 'not null'
                      ELSE c.contype::text END AS kind,
       c.conrelid = 0 AS on_domain,
       CASE WHEN c.conrelid NOT IN (SELECT relation FROM locked) AND c.confrelid NOT IN (SELECT relation FROM locked)
            THEN pg_catalog.pg_get_constraintdef(c.oid) END AS definition,
       c.conrelid IN (SELECT relation FROM locked) OR c.confrelid IN (SELECT relation FROM locked) AS locked,
       k.pages * pg_catalog.current_setting('block_size')::bigint AS bytes, k.rows,
       k.not_enforced,
       CASE WHEN NOT k.not_enforced
            THEN pg_catalog.format(CASE WHEN c.conrelid = 0 THEN 'ALTER DOMAIN %I.%I VALIDATE CONSTRAINT %I;'
                                        ELSE 'ALTER TABLE %I.%I VALIDATE CONSTRAINT %I;' END,
                                   k.nspname, k.object, c.conname)
            -- NOT ENFORCED cannot be validated. 18 makes a foreign key enforced in place;
            -- a check constraint only by adding it again (its definition needs the lock)
            WHEN c.contype = 'f'
            THEN pg_catalog.format('ALTER TABLE %I.%I ALTER CONSTRAINT %I ENFORCED;', k.nspname, k.object, c.conname)
            WHEN c.conrelid NOT IN (SELECT relation FROM locked)
            THEN pg_catalog.format('ALTER TABLE %I.%I DROP CONSTRAINT %I, ADD CONSTRAINT %I %s;', k.nspname, k.object,
                                   c.conname, c.conname,
                                   pg_catalog.regexp_replace(pg_catalog.pg_get_constraintdef(c.oid), ' NOT ENFORCED$', ''))
            ELSE ''
       END AS fix,
       k.total, k.total_not_enforced
FROM ranked k
JOIN pg_catalog.pg_constraint c ON c.oid = k.oid
ORDER BY k.not_enforced, k.pages DESC, k.oid
