/* pgcheckup L003 */
-- The names of the schemas ($1) that hold sequences the role may not read, for the
-- GRANT ... IN SCHEMA statements that would make them readable.
SELECT n.oid, n.nspname
FROM pg_catalog.pg_namespace n
WHERE n.oid = ANY ($1::pg_catalog.oid[])
