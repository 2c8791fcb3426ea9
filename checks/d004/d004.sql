/* pgcheckup D004 */
SELECT w.name,
       a.default_version IS NOT NULL AS available,
       COALESCE(a.default_version, '') AS available_version,
       e.extname IS NOT NULL AS installed,
       COALESCE(e.extversion, '') AS installed_version,
       COALESCE(n.nspname, '') AS schema,
       i.oid IS NOT NULL AS info_visible
FROM (VALUES ('pg_stat_statements'), ('pg_stat_kcache')) AS w(name)
LEFT JOIN pg_catalog.pg_available_extensions AS a ON a.name = w.name
LEFT JOIN pg_catalog.pg_extension AS e ON e.extname = w.name
LEFT JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_class AS i
       ON w.name = 'pg_stat_statements'
      AND i.oid = pg_catalog.to_regclass('pg_stat_statements_info')
      AND i.relnamespace = e.extnamespace
ORDER BY w.name DESC
