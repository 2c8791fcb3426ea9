/* pgcheckup S004 */
SELECT 'extension' AS kind, e.extname AS name, NULL::name AS detail, NULL::name AS fdw, NULL::bool AS has_password, false AS for_public
FROM pg_catalog.pg_extension e
WHERE e.extname = ANY ($1::text[])
UNION ALL
SELECT 'language', l.lanname, NULL, NULL, NULL, false
FROM pg_catalog.pg_language l
WHERE NOT l.lanpltrusted AND l.lanname NOT IN ('internal', 'c')
UNION ALL
SELECT 'mapping', m.srvname, m.usename, w.fdwname,
  CASE WHEN m.umoptions IS NOT NULL
         THEN EXISTS (SELECT FROM pg_catalog.unnest(m.umoptions) o WHERE o LIKE 'password=%')
       WHEN (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
         OR pg_catalog.pg_has_role(s.srvowner, 'USAGE') AND (m.umuser = 0 OR m.usename = current_user)
         THEN false
  END,
  m.umuser = 0
FROM pg_catalog.pg_user_mappings m
JOIN pg_catalog.pg_foreign_server s ON s.oid = m.srvid
JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw
ORDER BY 1, 2, 3
LIMIT $2
