/* pgcheckup K003 */
SELECT e.extversion,
       n.nspname,
       pg_catalog.current_setting('pg_stat_statements.max', true) IS NOT NULL AS loaded
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'
