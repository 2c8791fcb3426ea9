/* pgcheckup E002 */
SELECT c.num_timed, c.num_requested, c.restartpoints_timed, c.restartpoints_req,
       c.restartpoints_done, c.write_time, c.sync_time, c.buffers_written,
       b.buffers_clean, b.maxwritten_clean, b.buffers_alloc,
       c.stats_reset, EXTRACT(epoch FROM pg_catalog.now() - c.stats_reset)::float8,
       b.stats_reset, EXTRACT(epoch FROM pg_catalog.now() - b.stats_reset)::float8
FROM pg_catalog.pg_stat_checkpointer c CROSS JOIN pg_catalog.pg_stat_bgwriter b
