/* pgcheckup C002 */
WITH cur AS (
    SELECT CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_receive_lsn()
                ELSE pg_catalog.pg_current_wal_lsn() END AS lsn
)
SELECT r.pid, COALESCE(r.application_name, ''), COALESCE(r.state, ''), COALESCE(r.sync_state, ''),
       COALESCE(r.sync_priority, 0), s.slot_name,
       pg_catalog.pg_wal_lsn_diff(cur.lsn, r.sent_lsn)::float8 AS sent_lag_bytes,
       pg_catalog.pg_wal_lsn_diff(cur.lsn, r.write_lsn)::float8 AS write_lag_bytes,
       pg_catalog.pg_wal_lsn_diff(cur.lsn, r.flush_lsn)::float8 AS flush_lag_bytes,
       pg_catalog.pg_wal_lsn_diff(cur.lsn, r.replay_lsn)::float8 AS replay_lag_bytes,
       EXTRACT(epoch FROM r.write_lag)::float8, EXTRACT(epoch FROM r.flush_lag)::float8,
       EXTRACT(epoch FROM r.replay_lag)::float8,
       EXTRACT(epoch FROM pg_catalog.now() - r.reply_time)::float8 AS reply_age,
       EXTRACT(epoch FROM pg_catalog.now() - r.backend_start)::float8 AS connected_for,
       pg_catalog.age(r.backend_xmin)::bigint AS feedback_xmin_age
FROM pg_catalog.pg_stat_replication r
CROSS JOIN cur
LEFT JOIN pg_catalog.pg_replication_slots s ON s.active_pid = r.pid
ORDER BY r.application_name, r.pid
