/* pgcheckup C007 */
WITH h AS (
    SELECT 'backend' AS kind, a.pid, COALESCE(a.application_name, '') AS name, a.usename::text AS owner,
           a.datname::text AS database, COALESCE(a.state, '') AS state, a.backend_type AS detail,
           GREATEST(pg_catalog.age(a.backend_xid), pg_catalog.age(a.backend_xmin))::bigint AS xmin_age,
           EXTRACT(epoch FROM pg_catalog.now() - a.xact_start)::float8 AS seconds
    FROM pg_catalog.pg_stat_activity a
    WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL)
      AND a.pid <> pg_catalog.pg_backend_pid()
      AND a.backend_type <> 'walsender'
    UNION ALL
    SELECT 'prepared', NULL, p.gid, p.owner::text, p.database::text, '', '',
           pg_catalog.age(p.transaction)::bigint, EXTRACT(epoch FROM pg_catalog.now() - p.prepared)::float8
    FROM pg_catalog.pg_prepared_xacts p
    UNION ALL
    SELECT 'slot', s.active_pid, s.slot_name::text, NULL, s.database::text,
           CASE WHEN s.active THEN 'active' ELSE 'inactive' END, s.slot_type,
           pg_catalog.age(s.xmin)::bigint, NULL
    FROM pg_catalog.pg_replication_slots s
    WHERE s.xmin IS NOT NULL
    UNION ALL
    SELECT 'slot_catalog', s.active_pid, s.slot_name::text, NULL, s.database::text,
           CASE WHEN s.active THEN 'active' ELSE 'inactive' END, s.slot_type,
           pg_catalog.age(s.catalog_xmin)::bigint, NULL
    FROM pg_catalog.pg_replication_slots s
    WHERE s.catalog_xmin IS NOT NULL
    UNION ALL
    SELECT 'standby', r.pid, COALESCE(r.application_name, ''), r.usename::text, NULL, COALESCE(r.state, ''), '',
           pg_catalog.age(r.backend_xmin)::bigint, NULL
    FROM pg_catalog.pg_stat_replication r
    WHERE r.backend_xmin IS NOT NULL
), judged AS (
    -- the severity rule of analyze, over every holder, so that those beyond the $1 listed
    -- are counted: 3 = P1 (past $6 percent of autovacuum_freeze_max_age), 2 = P2 (from $2
    -- transactions or $4 seconds), 1 = P3 (from $3 or $5), 0 = no finding
    SELECT h.*,
           CASE WHEN h.xmin_age > pg_catalog.current_setting('autovacuum_freeze_max_age')::float8 * $6::float8 / 100 THEN 3
                WHEN h.xmin_age >= $2::bigint OR h.seconds >= $4::float8 THEN 2
                WHEN h.xmin_age >= $3::bigint OR h.seconds >= $5::float8 THEN 1
                ELSE 0 END AS severity,
           pg_catalog.row_number() OVER (ORDER BY h.xmin_age DESC, h.kind, h.name) AS rank
    FROM h
)
-- the oldest $1, one row each, then one row per kind and severity for the others
SELECT true AS listed, kind, pid, name, owner, database, state, detail, xmin_age, seconds, severity, 1::bigint AS n
FROM (SELECT * FROM judged WHERE rank <= $1 ORDER BY rank) l
UNION ALL
SELECT false, kind, NULL, '', NULL, NULL, '', '', pg_catalog.max(xmin_age), NULL, severity, pg_catalog.count(*)
FROM judged
WHERE rank > $1 AND severity > 0
GROUP BY kind, severity
