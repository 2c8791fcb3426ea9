/* pgcheckup H002 */
SELECT d.stats_reset,
       pg_catalog.pg_postmaster_start_time() AS postmaster_start,
       -- fixed-numbered statistics are reset when the server discards all statistics after
       -- a crash, also when it reinitializes without a restart (restart_after_crash)
       a.stats_reset AS archiver_stats_reset,
       pg_catalog.current_setting('track_counts')::bool AS track_counts,
       pg_catalog.pg_is_in_recovery() AS in_recovery,
       pg_catalog.current_setting('block_size')::bigint AS block_size
FROM pg_catalog.pg_stat_database d
CROSS JOIN pg_catalog.pg_stat_archiver a
WHERE d.datname = pg_catalog.current_database()
