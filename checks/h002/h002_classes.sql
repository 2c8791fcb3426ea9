/* pgcheckup H002 */
-- One pass over pg_class, matched in Go: every index's pages, kind and whether it is a
-- partition of another, but for those in pg_catalog, information_schema and the toast and
-- temporary schemas (a third of the indexes at 50,000 tables: toast tables' own), which
-- H002 does not judge. An index always lies in its table's schema (ALTER INDEX cannot move
-- it); the partitions are kept wherever they lie, as they add to the partitioned index.
SELECT c.oid, c.relkind = 'I' AS partitioned, c.relispartition, c.relpages
FROM pg_catalog.pg_class c
WHERE c.relkind IN ('i', 'I')
  AND (c.relispartition
       -- (a hashed subplan: a server may have hundreds of temporary schemas)
       OR c.relnamespace NOT IN (SELECT n.oid FROM pg_catalog.pg_namespace n
                                 WHERE n.nspname IN ('pg_catalog', 'information_schema')
                                    OR n.nspname ~ '^pg_(toast|temp_)'))
