/* pgcheckup A004 */
SELECT pg_catalog.pg_is_in_recovery() AS in_recovery,
       pg_catalog.pg_postmaster_start_time() AS started_at,
       pg_catalog.date_part('epoch', pg_catalog.now() - pg_catalog.pg_postmaster_start_time()) AS uptime_s,
       pg_catalog.current_setting('max_connections')::int AS max_connections,
       pg_catalog.current_setting('superuser_reserved_connections')::int AS superuser_reserved,
       a.connections,
       a.hidden,
       b.checkpoints_timed AS checkpoints_timed,
       b.checkpoints_req AS checkpoints_requested,
       b.checkpoint_write_time AS write_time_ms,
       b.checkpoint_sync_time AS sync_time_ms,
       b.buffers_checkpoint AS buffers_written,
       b.stats_reset,
       pg_catalog.date_part('epoch', pg_catalog.now() - b.stats_reset) AS stats_age_s
FROM pg_catalog.pg_stat_bgwriter b,
     -- backend_type is NULL for other roles' sessions unless this role has
     -- pg_read_all_stats: those are counted apart, not guessed.
     (SELECT pg_catalog.count(*) FILTER (WHERE s.backend_type = 'client backend')::int AS connections,
             pg_catalog.count(*) FILTER (WHERE s.backend_type IS NULL)::int AS hidden
      FROM pg_catalog.pg_stat_activity s) a
