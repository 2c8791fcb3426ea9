/* pgcheckup D004 */
SELECT w.name,
       a.default_version IS NOT NULL AS available,
       COALESCE(a.default_version, '') AS available_version,
       e.extname IS NOT NULL AS installed,
       COALESCE(e.extversion, '') AS installed_version,
       COALESCE(n.nspname, '') AS schema,
       EXISTS (SELECT 1 FROM pg_catalog.pg_class AS c
               WHERE c.relname = 'pg_stat_statements_info' AND c.relnamespace = e.extnamespace) AS info_view
FROM (VALUES ('pg_stat_statements'), ('pg_stat_kcache')) AS w(name)
LEFT JOIN pg_catalog.pg_available_extensions AS a ON a.name = w.name
LEFT JOIN pg_catalog.pg_extension AS e ON e.extname = w.name
LEFT JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
ORDER BY w.name DESC
