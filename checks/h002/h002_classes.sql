/* pgcheckup H002 */
-- One pass over pg_class, matched in Go: every index's pages, kind, whether it is a
-- partition of another, and whether it lies in a system schema (an index always lies in
-- its table's schema: ALTER INDEX cannot move it).
SELECT c.oid, c.relkind = 'I' AS partitioned, c.relispartition, c.relpages,
       c.relnamespace = ANY (ARRAY(SELECT n.oid FROM pg_catalog.pg_namespace n
                                   WHERE n.nspname IN ('pg_catalog', 'information_schema')
                                      OR n.nspname ~ '^pg_(toast|temp_)')) AS system
FROM pg_catalog.pg_class c
WHERE c.relkind IN ('i', 'I')
