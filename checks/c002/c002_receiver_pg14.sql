/* pgcheckup C002 */
SELECT pg_catalog.pg_last_wal_receive_lsn()::text, pg_catalog.pg_last_wal_replay_lsn()::text,
       -- Right after startup a standby may have replayed local WAL past what it has received.
       GREATEST(pg_catalog.pg_wal_lsn_diff(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn()), 0)::float8,
       EXTRACT(epoch FROM pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp())::float8,
       pg_catalog.pg_get_wal_replay_pause_state(),
       w.status, w.slot_name,
       EXTRACT(epoch FROM pg_catalog.now() - w.last_msg_receipt_time)::float8,
       pg_catalog.current_setting('primary_conninfo') <> '',
       -- The upstream's address as the receiver connected to it (never conninfo: it can
       -- hold a password), how far the upstream's WAL was ahead of what this standby
       -- flushed at its last message, and when that position last advanced.
       w.sender_host, w.sender_port,
       GREATEST(pg_catalog.pg_wal_lsn_diff(w.latest_end_lsn, pg_catalog.pg_last_wal_receive_lsn()), 0)::float8,
       EXTRACT(epoch FROM pg_catalog.now() - w.latest_end_time)::float8
FROM (SELECT 1) one
LEFT JOIN pg_catalog.pg_stat_wal_receiver w ON true
