/* pgcheckup C005 */
-- Logical slots of this database: how far their consumer has confirmed (from the current
-- WAL position, the last received one on a standby) and the WAL they retain. What they
-- retain is judged by C007. Then the subscriptions and logical slots of other databases,
-- only counted (their own databases' results list them).
WITH cur AS (
    SELECT CASE WHEN pg_catalog.pg_is_in_recovery()
                THEN COALESCE(pg_catalog.pg_last_wal_receive_lsn(), pg_catalog.pg_last_wal_replay_lsn())
                ELSE pg_catalog.pg_current_wal_lsn() END AS lsn
)
SELECT true AS here, s.slot_name::text, s.plugin::text, s.active, s.active_pid, NULL::text AS wal_status,
       pg_catalog.pg_wal_lsn_diff(cur.lsn, s.confirmed_flush_lsn)::float8,
       pg_catalog.pg_wal_lsn_diff(cur.lsn, s.restart_lsn)::float8, 0::bigint, 0::bigint
FROM pg_catalog.pg_replication_slots s
CROSS JOIN cur
WHERE s.slot_type = 'logical' AND s.database = pg_catalog.current_database()
UNION ALL
SELECT false, NULL, NULL, false, NULL, NULL, NULL, NULL,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription o
        WHERE o.subdbid <> (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())),
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_replication_slots o
        WHERE o.slot_type = 'logical' AND o.database <> pg_catalog.current_database())
ORDER BY 1 DESC, 2
