/* pgcheckup A004 */
-- pg_database_size() walks a database's folder: called once per database, and only where
-- it cannot fail for lack of privilege (CONNECT, or pg_read_all_stats as in pg_monitor).
-- datconnlimit = -2 marks a database left invalid by an interrupted DROP DATABASE.
SELECT d.datname,
       CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
              OR pg_catalog.pg_has_role('pg_read_all_stats', 'MEMBER')
            THEN pg_catalog.pg_database_size(d.oid) END AS size_bytes,
       d.datallowconn,
       COALESCE(s.numbackends, 0) AS backends,
       COALESCE(s.xact_commit, 0) AS commits,
       COALESCE(s.xact_rollback, 0) AS rollbacks,
       COALESCE(s.blks_read, 0) AS blks_read,
       COALESCE(s.blks_hit, 0) AS blks_hit,
       COALESCE(s.temp_files, 0) AS temp_files,
       COALESCE(s.temp_bytes, 0) AS temp_bytes,
       COALESCE(s.deadlocks, 0) AS deadlocks,
       COALESCE(s.conflicts, 0) AS conflicts,
       s.checksum_failures,
       s.checksum_last_failure,
       s.stats_reset,
       pg_catalog.date_part('epoch', pg_catalog.now() - s.stats_reset) AS stats_age_s
FROM pg_catalog.pg_database d
LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid
WHERE d.datconnlimit <> -2
ORDER BY d.datname
