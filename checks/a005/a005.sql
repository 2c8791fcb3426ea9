/* pgcheckup A005 */
SELECT e.extname,
       e.extversion,
       COALESCE(a.default_version, '') AS default_version,
       a.name IS NOT NULL AS available,
       n.nspname AS schema,
       e.extrelocatable,
       COALESCE(a.comment, '') AS comment
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
ORDER BY e.extname
