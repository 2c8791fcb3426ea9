/* pgcheckup S005 */
SELECT COALESCE(d.datname, '') AS database,
       COALESCE(r.rolname, '') AS role,
       pg_catalog.split_part(c, '=', 1) AS name,
       pg_catalog.substr(c, pg_catalog.strpos(c, '=') + 1) AS value,
       pg_catalog.count(*) OVER () AS total
FROM pg_catalog.pg_db_role_setting s
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS c
WHERE pg_catalog.split_part(c, '=', 1) = ANY ($1::pg_catalog.text[])
ORDER BY 1, 2, 3
LIMIT $2
