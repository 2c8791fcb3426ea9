/* pgcheckup S001 */
WITH t AS MATERIALIZED (
    SELECT oid, rolname, rolsuper
    FROM pg_catalog.pg_roles
    WHERE rolsuper OR rolname = ANY ($1::pg_catalog.text[]) OR rolname = ANY ($2::pg_catalog.text[])
), m AS (
    SELECT a.oid,
           pg_catalog.array_agg(t.rolname::pg_catalog.text ORDER BY t.rolname) FILTER (WHERE t.rolsuper) AS supers,
           pg_catalog.array_agg(t.rolname::pg_catalog.text ORDER BY t.rolname) FILTER (WHERE NOT t.rolsuper) AS roles
    FROM pg_catalog.pg_roles a
    JOIN t ON t.oid <> a.oid
    WHERE NOT a.rolsuper AND pg_catalog.pg_has_role(a.oid, t.oid, 'MEMBER')
    GROUP BY a.oid
), f AS (
    SELECT a.rolname, a.rolsuper, a.rolcanlogin, a.rolcreaterole, a.rolbypassrls, a.rolreplication,
           a.rolname = ANY ($2::pg_catalog.text[]) AS admin_role,
           COALESCE(m.supers, '{}') AS supers, COALESCE(m.roles, '{}') AS roles,
           a.rolsuper OR m.supers IS NOT NULL AS super_like,
           a.rolcanlogin AND NOT a.rolsuper AND a.rolcreaterole AS login_createrole,
           a.rolcanlogin AND NOT a.rolsuper AND a.rolbypassrls AS login_bypassrls,
           a.rolcanlogin AND NOT a.rolsuper AND a.rolreplication AS login_replication,
           COALESCE(m.roles && $1::pg_catalog.text[], false) AS server_files,
           a.rolname = ANY ($2::pg_catalog.text[]) OR COALESCE(m.roles && $2::pg_catalog.text[], false) AS admin_like
    FROM pg_catalog.pg_roles a
    LEFT JOIN m ON m.oid = a.oid
    WHERE a.oid <> 10
)
SELECT rolname, rolsuper, rolcanlogin, rolcreaterole, rolbypassrls, rolreplication, admin_role, supers, roles,
       pg_catalog.count(*) FILTER (WHERE super_like) OVER () AS super_total,
       pg_catalog.count(*) FILTER (WHERE login_createrole) OVER () AS createrole_total,
       pg_catalog.count(*) FILTER (WHERE login_bypassrls) OVER () AS bypassrls_total,
       pg_catalog.count(*) FILTER (WHERE login_replication) OVER () AS replication_total,
       pg_catalog.count(*) FILTER (WHERE server_files) OVER () AS server_files_total,
       pg_catalog.count(*) FILTER (WHERE admin_like) OVER () AS admin_total
FROM f
WHERE super_like OR login_createrole OR login_bypassrls OR login_replication OR admin_role
   OR pg_catalog.cardinality(roles) > 0
ORDER BY rolsuper DESC, rolname
LIMIT $3
