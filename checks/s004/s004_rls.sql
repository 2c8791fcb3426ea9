/* pgcheckup S004 */
SELECT n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity,
  (SELECT pg_catalog.count(*) FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid) AS policies,
  pg_catalog.count(*) FILTER (WHERE NOT c.relrowsecurity) OVER () AS disabled,
  pg_catalog.count(*) FILTER (WHERE c.relrowsecurity) OVER () AS not_forced
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
  AND EXISTS (SELECT FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid)
ORDER BY c.relrowsecurity, n.nspname, c.relname
LIMIT $1
