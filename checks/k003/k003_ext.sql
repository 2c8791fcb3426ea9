/* pgcheckup K003 */
SELECT e.extversion,
       pg_catalog.current_setting('pg_stat_statements.max', true) IS NOT NULL AS loaded
FROM pg_catalog.pg_extension e
WHERE e.extname = 'pg_stat_statements'
