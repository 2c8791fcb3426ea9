/* pgcheckup F002 */
WITH locked AS (
    -- pg_relation_size locks the relation: behind an ACCESS EXCLUSIVE lock (held or
    -- awaited by another session) it would wait until lock_timeout, so it is skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), t AS (
    SELECT c.oid, c.relfrozenxid, c.relminmxid
    FROM pg_catalog.pg_class c
    WHERE c.relkind IN ('r', 'm', 't')
), oldest AS (
    (SELECT oid FROM t ORDER BY pg_catalog.age(relfrozenxid) DESC LIMIT $1)
    UNION
    (SELECT oid FROM t ORDER BY pg_catalog.mxid_age(relminmxid) DESC LIMIT $1)
)
SELECT COALESCE(owner_ns.nspname, n.nspname) AS schema_name,
       COALESCE(o.relname, c.relname) AS table_name,
       CASE WHEN c.relkind = 't' THEN c.relname END AS toast_name,
       pg_catalog.age(c.relfrozenxid)::bigint AS xid_age,
       pg_catalog.mxid_age(c.relminmxid)::bigint AS mxid_age,
       -- A TOAST table without its own parameter follows its owner's (as autovacuum does).
       COALESCE(
           (SELECT pg_catalog.split_part(opt, '=', 2) FROM pg_catalog.unnest(c.reloptions) opt
            WHERE opt LIKE 'autovacuum\_freeze\_max\_age=%'),
           (SELECT pg_catalog.split_part(opt, '=', 2) FROM pg_catalog.unnest(o.reloptions) opt
            WHERE opt LIKE 'autovacuum\_freeze\_max\_age=%'))::bigint AS freeze_max_age_option,
       COALESCE(
           (SELECT pg_catalog.split_part(opt, '=', 2) FROM pg_catalog.unnest(c.reloptions) opt
            WHERE opt LIKE 'autovacuum\_multixact\_freeze\_max\_age=%'),
           (SELECT pg_catalog.split_part(opt, '=', 2) FROM pg_catalog.unnest(o.reloptions) opt
            WHERE opt LIKE 'autovacuum\_multixact\_freeze\_max\_age=%'))::bigint AS mxid_freeze_max_age_option,
       CASE WHEN c.oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(c.oid) END AS size_bytes,
       c.oid IN (SELECT relation FROM locked) AS locked,
       EXTRACT(epoch FROM pg_catalog.now() - GREATEST(s.last_vacuum, s.last_autovacuum))::float8 AS last_vacuum_age,
       EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_vacuum p WHERE p.relid IN (c.oid, o.oid)) AS vacuum_running
FROM oldest
JOIN pg_catalog.pg_class c ON c.oid = oldest.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class o ON c.relkind = 't' AND o.reltoastrelid = c.oid
LEFT JOIN pg_catalog.pg_namespace owner_ns ON owner_ns.oid = o.relnamespace
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
ORDER BY xid_age DESC, mxid_age DESC, schema_name, table_name
