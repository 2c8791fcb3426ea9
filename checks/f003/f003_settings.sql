/* pgcheckup F003 */
SELECT pg_catalog.current_setting('autovacuum') = 'on',
       pg_catalog.current_setting('track_counts') = 'on',
       pg_catalog.current_setting('autovacuum_vacuum_threshold')::float8,
       pg_catalog.current_setting('autovacuum_vacuum_scale_factor')::float8,
       pg_catalog.current_setting('autovacuum_analyze_threshold')::float8,
       pg_catalog.current_setting('autovacuum_analyze_scale_factor')::float8,
       d.stats_reset,
       EXTRACT(epoch FROM pg_catalog.now() - d.stats_reset)::float8
FROM pg_catalog.pg_stat_database d
WHERE d.datname = pg_catalog.current_database()
