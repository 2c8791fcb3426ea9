/* pgcheckup F002 */
-- Names, size, last vacuum of the oldest relations: $1 the oids pgcheckup picked, $2
-- the owner of each that is a TOAST table (0 otherwise).
WITH locked AS (
    -- pg_relation_size locks the relation: behind an ACCESS EXCLUSIVE lock (held or
    -- awaited by another session) it would wait until lock_timeout, so it is skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
)
SELECT c.oid,
       COALESCE(owner_ns.nspname, n.nspname) AS schema_name,
       COALESCE(o.relname, c.relname) AS table_name,
       CASE WHEN c.relkind = 't' THEN c.relname END AS toast_name,
       CASE WHEN c.oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(c.oid) END AS size_bytes,
       c.oid IN (SELECT relation FROM locked) AS locked,
       EXTRACT(epoch FROM pg_catalog.now() - GREATEST(pg_catalog.pg_stat_get_last_vacuum_time(c.oid),
                                                      pg_catalog.pg_stat_get_last_autovacuum_time(c.oid)))::float8 AS last_vacuum_age,
       EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_vacuum p WHERE p.relid IN (c.oid, o.oid)) AS vacuum_running
FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.oid[])) AS picked(oid, owner)
JOIN pg_catalog.pg_class c ON c.oid = picked.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class o ON o.oid = picked.owner AND c.relkind = 't'
LEFT JOIN pg_catalog.pg_namespace owner_ns ON owner_ns.oid = o.relnamespace
