/* pgcheckup L001 */
WITH RECURSIVE locked AS (
    -- the size functions lock the table, its TOAST table and its indexes: behind an ACCESS
    -- EXCLUSIVE lock (held or awaited) they would wait until lock_timeout
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), rel AS (
    -- one pass over pg_class: every table with storage and every partitioned table, with
    -- the catalog's page estimate of its heap, TOAST and indexes, and whether it is listed
    -- on its own (no partition, no system catalog except pg_largeobject once it holds
    -- large objects)
    SELECT c.oid, c.relkind, c.relispartition, c.reltoastrelid, c.reltuples,
           -- the live rows rank only the tables without an estimate (a partition's add
           -- up to its root's): read for those alone, as each read costs ~15 us
           CASE WHEN u.unestimated OR c.relispartition THEN pg_catalog.pg_stat_get_live_tuples(c.oid) END AS live,
           c.relpages::bigint + COALESCE(t.relpages, 0)
             + COALESCE((SELECT pg_catalog.sum(ic.relpages)
                         FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                         WHERE i.indrelid = c.oid), 0)::bigint AS est_pages,
           u.unestimated,
           c.oid IN (SELECT relation FROM locked)
             OR c.reltoastrelid IN (SELECT relation FROM locked)
             OR EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN locked l ON l.relation = i.indexrelid
                        WHERE i.indrelid IN (c.oid, c.reltoastrelid)) AS locked,
           NOT c.relispartition
             AND n.nspname NOT IN ('information_schema', 'pg_toast') AND n.nspname !~ '^pg_(toast_)?temp_'
             AND (n.nspname <> 'pg_catalog' OR (c.relname = 'pg_largeobject' AND c.relpages > 0)) AS shown
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
    CROSS JOIN LATERAL (
        -- never vacuumed nor analyzed: no estimate. From 14 on reltuples is then -1;
        -- before, 0 pages and 0 rows, which an empty analyzed table also shows
        SELECT c.reltuples < 0
                 OR (pg_catalog.current_setting('server_version_num')::int < 140000
                     AND c.relpages = 0 AND c.reltuples = 0) AS unestimated) u
    WHERE c.relkind IN ('r', 'm', 'p')
), tree AS (
    -- partitions under each listed partitioned table, from pg_inherits (which takes no
    -- locks, unlike pg_partition_tree)
    SELECT r.oid AS root, r.oid AS relid
    FROM rel r
    WHERE r.relkind = 'p' AND r.shown
  UNION ALL
    SELECT t.root, h.inhrelid
    FROM tree t JOIN pg_catalog.pg_inherits h ON h.inhparent = t.relid
), listed AS (
    -- what is listed: a table that is not a partition, or a partitioned table summed over
    -- its partitions that have storage
    SELECT r.oid, 0::bigint AS partitions, r.est_pages, r.live,
           CASE WHEN NOT r.unestimated THEN r.reltuples END AS reltuples,
           r.unestimated::int::bigint AS unestimated_parts, r.unestimated, r.locked
    FROM rel r
    WHERE r.shown AND r.relkind <> 'p'
  UNION ALL
    SELECT t.root, pg_catalog.count(*), pg_catalog.sum(r.est_pages)::bigint, pg_catalog.sum(r.live)::bigint,
           pg_catalog.sum(r.reltuples) FILTER (WHERE NOT r.unestimated),
           pg_catalog.count(*) FILTER (WHERE r.unestimated), pg_catalog.bool_or(r.unestimated),
           pg_catalog.bool_or(r.locked)
    FROM tree t JOIN rel r ON r.oid = t.relid AND r.relkind <> 'p'
    GROUP BY t.root
), pool AS (
    -- measured: the top $1 by estimate, and up to $1 tables that have no estimate at all
    -- but hold rows by the statistics (never vacuumed nor analyzed, e.g. just loaded),
    -- most live rows first. The size functions stat every file of a relation: they are
    -- called for these few, never for the whole catalog.
    (SELECT * FROM listed ORDER BY est_pages DESC, oid LIMIT $1)
  UNION
    (SELECT * FROM listed WHERE unestimated AND live > 0 ORDER BY live DESC, oid DESC LIMIT $1)
), members AS MATERIALIZED (
    SELECT p.oid AS unit, r.oid, r.reltoastrelid
    FROM pool p JOIN rel r ON r.oid = p.oid
    WHERE p.partitions = 0 AND NOT p.locked
  UNION ALL
    SELECT p.oid, r.oid, r.reltoastrelid
    FROM pool p JOIN tree t ON t.root = p.oid JOIN rel r ON r.oid = t.relid AND r.relkind <> 'p'
    WHERE p.partitions > 0 AND NOT p.locked
), measured AS (
    SELECT m.unit, pg_catalog.sum(s.total)::bigint AS total, pg_catalog.sum(s.indexes)::bigint AS indexes,
           pg_catalog.sum(s.toast)::bigint AS toast
    FROM members m
    CROSS JOIN LATERAL (
        SELECT pg_catalog.pg_total_relation_size(m.oid) AS total,
               pg_catalog.pg_indexes_size(m.oid) AS indexes,
               COALESCE(pg_catalog.pg_total_relation_size(NULLIF(m.reltoastrelid, 0)), 0) AS toast) s
    GROUP BY m.unit
)
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, p.partitions,
       m.total AS total_bytes, m.total - m.indexes - m.toast AS heap_bytes,
       m.indexes AS index_bytes, m.toast AS toast_bytes,
       p.est_pages * pg_catalog.current_setting('block_size')::bigint AS estimated_bytes,
       p.reltuples::float8 AS rows, p.unestimated_parts, p.locked,
       (SELECT pg_catalog.count(*) FROM listed) AS tables,
       (SELECT pg_catalog.sum(est_pages) FROM listed)::bigint * pg_catalog.current_setting('block_size')::bigint AS all_estimated_bytes,
       (SELECT pg_catalog.count(*) FROM pool) AS measured,
       (SELECT pg_catalog.count(*) FROM listed WHERE unestimated) AS unestimated,
       -- those left out that the statistics say hold rows
       (SELECT pg_catalog.count(*) FROM listed WHERE unestimated AND live > 0)
         - (SELECT pg_catalog.count(*) FROM pool WHERE unestimated AND live > 0) AS unestimated_unmeasured
FROM pool p
JOIN pg_catalog.pg_class c ON c.oid = p.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN measured m ON m.unit = p.oid
WHERE m.total IS NOT NULL OR p.locked
ORDER BY COALESCE(m.total, p.est_pages * pg_catalog.current_setting('block_size')::bigint) DESC, p.oid
LIMIT $1
