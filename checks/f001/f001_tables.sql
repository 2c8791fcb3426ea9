/* pgcheckup F001 */
WITH rel AS (
  SELECT c.relkind = 't' AS is_toast,
         c.relpages,
         COALESCE(owner.oid, c.oid) AS table_oid,
         ARRAY(SELECT o FROM pg_catalog.unnest(c.reloptions) AS o
               WHERE o ~ '^(autovacuum_|log_autovacuum_min_duration=|vacuum_)') AS options
  FROM pg_catalog.pg_class c
  LEFT JOIN pg_catalog.pg_class owner ON c.relkind = 't' AND owner.reltoastrelid = c.oid
  WHERE c.relkind IN ('r', 'm', 't') AND c.reloptions IS NOT NULL
), flagged AS (
  SELECT r.*,
         EXISTS (SELECT 1 FROM pg_catalog.unnest(r.options) AS o
                 WHERE o LIKE 'autovacuum\_enabled=%'
                   AND NOT pg_catalog.split_part(o, '=', 2)::boolean) AS disabled
  FROM rel r
  WHERE pg_catalog.cardinality(r.options) > 0
), listed AS (
  -- one row per relation with options: a table and its TOAST table are two rows here,
  -- but one table in the totals
  SELECT f.*, n.nspname, t.relname
  FROM flagged f
  JOIN pg_catalog.pg_class t ON t.oid = f.table_oid
  JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
)
SELECT l.nspname, l.relname,
       pg_catalog.quote_ident(l.nspname) || '.' || pg_catalog.quote_ident(l.relname) AS ident,
       l.is_toast, l.disabled, l.options,
       l.relpages::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes,
       pg_catalog.count(*) OVER () AS relations,
       (SELECT pg_catalog.count(DISTINCT a.table_oid) FROM listed a) AS total,
       (SELECT pg_catalog.count(DISTINCT a.table_oid) FROM listed a WHERE a.disabled) AS total_disabled
FROM listed l
ORDER BY l.disabled DESC, l.relpages DESC, l.nspname, l.relname, l.is_toast
LIMIT $1
