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
)
SELECT kind, pid, name, owner, database, state, detail, xmin_age, seconds
FROM h
ORDER BY xmin_age DESC, kind, name
LIMIT $1
