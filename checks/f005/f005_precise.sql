/* pgcheckup F005 */
-- --precise-bloat only: measures the candidates found by f005.sql (their OIDs in $1) with
-- pgstatindex, which reads every page of each index. The function is called
-- qualified with the extension's schema, which the check reads from pg_extension.
WITH locked AS (
    -- pgstatindex locks the index: behind an ACCESS EXCLUSIVE lock (held or awaited by another
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
SELECT c.oid, true AS locked, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::float8
FROM cand c WHERE c.locked
UNION ALL
SELECT c.oid, false, p.index_size::bigint, p.internal_pages::bigint, p.leaf_pages::bigint, p.empty_pages::bigint,
       p.deleted_pages::bigint, p.avg_leaf_density::float8
FROM cand c
CROSS JOIN LATERAL "@extschema@".pgstatindex(c.oid::pg_catalog.regclass) AS p
WHERE NOT c.locked
