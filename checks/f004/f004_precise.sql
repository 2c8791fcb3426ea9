/* pgcheckup F004 */
-- --precise-bloat only: measures the candidates found by f004.sql (their OIDs in $1) with
-- pgstattuple_approx, which reads every page not marked all-visible. The function is called
-- qualified with the extension's schema, which the check reads from pg_extension.
WITH locked AS (
    -- pgstattuple_approx locks the table: behind an ACCESS EXCLUSIVE lock (held or awaited by another
    -- session) it would wait until lock_timeout, so locked ones are returned as such
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), cand AS (
    SELECT c.oid, c.oid IN (SELECT relation FROM locked) AS locked
    FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS u(oid)
    JOIN pg_catalog.pg_class c ON c.oid = u.oid
)
SELECT c.oid, true AS locked, 0::bigint, 0::float8, 0::bigint, 0::bigint
FROM cand c WHERE c.locked
UNION ALL
SELECT c.oid, false, p.table_len, p.scanned_percent, p.approx_free_space, p.dead_tuple_len
FROM cand c
CROSS JOIN LATERAL "@extschema@".pgstattuple_approx(c.oid::pg_catalog.regclass) AS p
WHERE NOT c.locked
