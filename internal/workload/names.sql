/* pgcheckup K001 */
SELECT 'u' AS kind, r.oid, r.rolname FROM pg_catalog.pg_roles r WHERE r.oid = ANY ($1::oid[])
UNION ALL
SELECT 'd', d.oid, d.datname FROM pg_catalog.pg_database d WHERE d.oid = ANY ($2::oid[])
