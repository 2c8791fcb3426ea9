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
)
SELECT n.nspname, t.relname,
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(t.relname) AS ident,
       f.is_toast, f.disabled, f.options,
       f.relpages::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes,
       pg_catalog.count(*) OVER () AS total,
       pg_catalog.count(*) FILTER (WHERE f.disabled) OVER () AS total_disabled
FROM flagged f
JOIN pg_catalog.pg_class t ON t.oid = f.table_oid
JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
ORDER BY f.disabled DESC, f.relpages DESC, n.nspname, t.relname, f.is_toast
LIMIT $1
