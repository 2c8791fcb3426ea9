/* pgcheckup S004 */
SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS role, n.nspname, d.defaclobjtype::text AS objtype,
  pg_catalog.split_part(pg_catalog.split_part(a.item, '=', 2), '/', 1) AS privileges
FROM pg_catalog.pg_default_acl d
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
JOIN LATERAL (SELECT x::text AS item FROM pg_catalog.unnest(d.defaclacl) x) a ON a.item LIKE '=%'
ORDER BY 1, 2 NULLS FIRST, 3
LIMIT $1
