/* pgcheckup C002 */
SELECT pg_catalog.pg_last_wal_receive_lsn()::text, pg_catalog.pg_last_wal_replay_lsn()::text,
       -- Right after startup a standby may have replayed local WAL past what it has received.
       GREATEST(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn()), 0)::float8,
       EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp())::float8,
       CASE WHEN pg_catalog.pg_is_wal_replay_paused() THEN 'paused' ELSE 'not paused' END,
       w.status, w.slot_name,
       EXTRACT(epoch FROM pg_catalog.now() - w.last_msg_receipt_time)::float8,
       pg_catalog.current_setting('primary_conninfo') <> ''
FROM (SELECT 1) one
LEFT JOIN pg_catalog.pg_stat_wal_receiver w ON true
