/* pgcheckup G004 */
SELECT n.nspname, c.relname, a.attname,
       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS ident,
       a.attstattarget::int AS target,
       c.relpages::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes,
       pg_catalog.count(*) OVER () AS total,
       pg_catalog.count(*) FILTER (WHERE a.attstattarget = 0) OVER () AS total_zero
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0
  AND NOT a.attisdropped
  AND COALESCE(a.attstattarget, -1) >= 0
  AND c.relkind IN ('r', 'm', 'p', 'f', 'i', 'I')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
ORDER BY a.attstattarget = 0 DESC, c.relpages DESC, n.nspname, c.relname, a.attnum
LIMIT $1
