/* pgcheckup A004 */
-- Sizes: pg_database_size() walks every file of a database (seconds on a large cluster), so
-- it is called only when exact sizes are asked for ($1), once per database, and only where
-- it cannot fail for lack of privilege (CONNECT, or pg_read_all_stats as in pg_monitor).
-- Otherwise the connected database is estimated from its catalog (pages of every relation,
-- as of their last VACUUM, ANALYZE or CREATE INDEX) and the others are not measured: their
-- catalogs cannot be read from this session.
-- datconnlimit = -2 marks a database left invalid by an interrupted DROP DATABASE.
WITH est AS (
    SELECT pg_catalog.sum(c.relpages)::bigint * pg_catalog.current_setting('block_size')::bigint AS bytes
    FROM pg_catalog.pg_class c
    WHERE NOT $1::bool AND NOT c.relisshared
), db AS (
    SELECT d.*, pg_catalog.has_database_privilege(d.oid, 'CONNECT')
                  OR pg_catalog.pg_has_role('pg_read_all_stats', 'MEMBER') AS may_size
    FROM pg_catalog.pg_database d
    WHERE d.datconnlimit <> -2
)
SELECT d.datname,
       CASE WHEN $1::bool AND d.may_size THEN pg_catalog.pg_database_size(d.oid)
            WHEN NOT $1::bool AND d.datname = pg_catalog.current_database() THEN (SELECT est.bytes FROM est) END AS size_bytes,
       CASE WHEN $1::bool AND d.may_size THEN 'exact'
            WHEN $1::bool THEN 'no privilege'
            WHEN d.datname = pg_catalog.current_database() THEN 'estimate'
            ELSE 'not measured' END AS size_source,
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
FROM db d
LEFT JOIN pg_catalog.pg_stat_database s ON s.datid = d.oid
ORDER BY d.datname
