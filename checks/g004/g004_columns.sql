/* pgcheckup G004 */
-- attstattarget lives only in pg_attribute, which has no index on it: one pass over
-- pg_attribute is unavoidable. It is kept to that pass: the columns with their own target
-- are picked out first (they are few) and only they are joined to their tables, by index,
-- instead of joining every column to a hash of the whole pg_class.
WITH own AS MATERIALIZED (
    SELECT a.attrelid, a.attnum, a.attname, a.attstattarget::int AS target
    FROM pg_catalog.pg_attribute a
    WHERE a.attnum > 0
      AND NOT a.attisdropped
      AND COALESCE(a.attstattarget, -1) >= 0
)
SELECT c.nspname, c.relname, o.attname,
       pg_catalog.quote_ident(c.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS ident,
       o.target,
       c.relpages::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes,
       pg_catalog.count(*) OVER () AS total,
       pg_catalog.count(*) FILTER (WHERE o.target = 0) OVER () AS total_zero
FROM own o
-- OFFSET 0 keeps this a lookup per column (the planner cannot guess how few they are)
CROSS JOIN LATERAL (
    SELECT n.nspname, c.relname, c.relpages
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.oid = o.attrelid
      AND c.relkind IN ('r', 'm', 'p', 'f', 'i', 'I')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_toast'
    OFFSET 0
) c
ORDER BY o.target = 0 DESC, c.relpages DESC, c.nspname, c.relname, o.attnum
LIMIT $1
