/* pgcheckup E002 */
SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time,
       buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend,
       buffers_backend_fsync, buffers_alloc, stats_reset,
       EXTRACT(epoch FROM pg_catalog.now() - stats_reset)::float8
FROM pg_catalog.pg_stat_bgwriter
