/* pgcheckup S004 */
SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner
FROM pg_catalog.pg_namespace n
WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  AND pg_catalog.has_schema_privilege('public', n.oid, 'CREATE')
ORDER BY n.nspname
LIMIT $1
