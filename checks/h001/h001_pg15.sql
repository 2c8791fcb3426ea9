/* pgcheckup H001 */
WITH db AS (
    SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
), ae AS (
    -- pg_relation_size locks the index, pg_get_indexdef and pg_get_expr its table: both
    -- would queue behind an ACCESS EXCLUSIVE lock (held or awaited) until lock_timeout
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM db) AND l.mode = 'AccessExclusiveLock'
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), busy AS (
    -- CREATE INDEX CONCURRENTLY names its index here during the whole build, also while it
    -- waits between transactions and holds no lock on the index.
    SELECT p.index_relid AS oid
    FROM pg_catalog.pg_stat_progress_create_index p
    WHERE p.datid = (SELECT oid FROM db) AND p.index_relid <> 0
  UNION
    -- REINDEX CONCURRENTLY and DROP INDEX CONCURRENTLY hold session-level SHARE UPDATE
    -- EXCLUSIVE locks on the indexes they work on.
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.database = (SELECT oid FROM db)
      AND l.mode = 'ShareUpdateExclusiveLock'
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
  UNION
    SELECT relation FROM ae
), invalid AS (
    SELECT i.indexrelid, ic.relpages, ic.relkind, i.indexrelid IN (SELECT oid FROM busy) AS busy,
           i.indrelid IN (SELECT relation FROM ae) AS table_locked
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    WHERE NOT i.indisvalid
), ranked AS (
    SELECT v.*,
           pg_catalog.row_number() OVER (PARTITION BY v.busy ORDER BY v.relpages DESC, v.indexrelid) AS rn,
           pg_catalog.count(*) FILTER (WHERE NOT v.busy) OVER () AS total,
           -- unlisted ones by severity: a partitioned index (no storage) is P3, others P2
           pg_catalog.count(*) FILTER (WHERE NOT v.busy AND v.relkind <> 'I') OVER () AS all_p2
    FROM invalid v
)
SELECT n.nspname AS schema, ic.relname AS index, tc.relname AS "table",
       pg_catalog.quote_ident(n.nspname) || '.' ||
           pg_catalog.quote_ident(ic.relname) AS ident,
       r.busy, i.indisunique AS is_unique, i.indisready AS is_ready, ic.relkind = 'I' AS partitioned,
       CASE WHEN NOT r.busy THEN pg_catalog.pg_relation_size(i.indexrelid) END AS size_bytes,
       CASE WHEN NOT r.busy AND NOT r.table_locked THEN pg_catalog.pg_get_indexdef(i.indexrelid) END AS definition,
       CASE WHEN NOT r.busy AND NOT r.table_locked THEN (SELECT vc.relname
        FROM pg_catalog.pg_index v
        JOIN pg_catalog.pg_class vc ON vc.oid = v.indexrelid
        WHERE v.indrelid = i.indrelid AND v.indexrelid <> i.indexrelid AND v.indisvalid
          AND vc.relam = ic.relam AND v.indisunique = i.indisunique
          AND v.indnkeyatts = i.indnkeyatts AND v.indkey = i.indkey
          AND v.indclass = i.indclass AND v.indcollation = i.indcollation AND v.indoption = i.indoption
          -- the trees hold parse locations, so compare the deparsed text
          AND pg_catalog.pg_get_expr(v.indexprs, v.indrelid) IS NOT DISTINCT FROM pg_catalog.pg_get_expr(i.indexprs, i.indrelid)
          AND pg_catalog.pg_get_expr(v.indpred, v.indrelid) IS NOT DISTINCT FROM pg_catalog.pg_get_expr(i.indpred, i.indrelid)
          AND v.indnullsnotdistinct = i.indnullsnotdistinct
        ORDER BY vc.relname
        LIMIT 1) END AS valid_duplicate,
       r.table_locked,
       r.total, r.all_p2
FROM ranked r
JOIN pg_catalog.pg_index i ON i.indexrelid = r.indexrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
WHERE r.busy OR r.rn <= $1
ORDER BY r.busy, r.relpages DESC, r.indexrelid
