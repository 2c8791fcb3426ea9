/* pgcheckup S004 */
SELECT n.nspname, p.proname, p.oid::pg_catalog.regprocedure::text AS signature, p.prokind = 'p' AS procedure,
  pg_catalog.pg_get_userbyid(p.proowner) AS owner, COALESCE(o.rolsuper, false) AS owner_superuser,
  (SELECT e.extname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
    WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e' LIMIT 1) AS extension,
  pg_catalog.count(*) OVER () AS total
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_catalog.pg_roles o ON o.oid = p.proowner
WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT FROM pg_catalog.unnest(p.proconfig) c WHERE c LIKE 'search\_path=%')
  AND pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE')
ORDER BY COALESCE(o.rolsuper, false) DESC, n.nspname, p.proname, p.oid
LIMIT $1
