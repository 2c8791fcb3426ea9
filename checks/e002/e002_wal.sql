/* pgcheckup E002 */
SELECT wal_bytes::float8, stats_reset, EXTRACT(epoch FROM pg_catalog.now() - stats_reset)::float8
FROM pg_catalog.pg_stat_wal
