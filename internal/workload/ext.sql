/* pgcheckup K001 */
SELECT e.extversion,
       n.nspname,
       pg_catalog.current_setting('pg_stat_statements.max', true) IS NOT NULL AS loaded,
       EXISTS (SELECT FROM pg_catalog.pg_class c
               WHERE c.relnamespace = e.extnamespace AND c.relname = 'pg_stat_statements_info') AS has_info,
       pg_catalog.now(),
       pg_catalog.pg_postmaster_start_time(),
       pg_catalog.current_setting('server_version_num'),
       COALESCE(pg_catalog.current_setting('pg_stat_statements.max', true), ''),
       COALESCE(pg_catalog.current_setting('pg_stat_statements.track', true), ''),
       COALESCE(pg_catalog.current_setting('pg_stat_statements.track_planning', true), ''),
       COALESCE(pg_catalog.current_setting('pg_stat_statements.track_utility', true), ''),
       COALESCE(pg_catalog.current_setting('track_io_timing', true), ''),
       COALESCE(pg_catalog.current_setting('compute_query_id', true), '')
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements'
