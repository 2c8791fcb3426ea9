/* pgcheckup A007 */
SELECT COALESCE(d.datname, '') AS database,
       COALESCE(r.rolname, '') AS role,
       s.setdatabase = 0 AS all_databases,
       s.setrole = 0 AS all_roles,
       pg_catalog.split_part(c.item, '=', 1) AS name,
       pg_catalog.substr(c.item, pg_catalog.strpos(c.item, '=') + 1) AS value
FROM pg_catalog.pg_db_role_setting s
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS c(item)
ORDER BY s.setdatabase <> 0, d.datname, s.setrole <> 0, r.rolname, c.item
