/* pgcheckup C007 */
WITH cur AS (
    SELECT CASE WHEN pg_catalog.pg_is_in_recovery()
                THEN COALESCE(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn())
                ELSE pg_catalog.pg_current_wal_lsn() END AS lsn
)
SELECT s.slot_name, s.slot_type, s.plugin, s.database, s.temporary, s.active, s.active_pid,
       r.application_name,
       pg_catalog.age(s.xmin)::bigint AS xmin_age, pg_catalog.age(s.catalog_xmin)::bigint AS catalog_xmin_age,
       s.restart_lsn::text, pg_catalog.pg_wal_lsn_diff(cur.lsn, s.restart_lsn)::float8 AS retained_bytes,
       NULL::text AS wal_status, NULL::bigint AS safe_wal_size,
       NULL::float8 AS inactive_for, NULL::text AS invalidation_reason
FROM pg_catalog.pg_replication_slots s
CROSS JOIN cur
LEFT JOIN pg_catalog.pg_stat_replication r ON r.pid = s.active_pid
ORDER BY retained_bytes DESC NULLS LAST, s.slot_name
