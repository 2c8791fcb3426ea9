/* pgcheckup F005 */
-- --precise-bloat only: measures the candidates found by f005.sql (their OIDs in $1) with
-- pgstatindex, which reads every page of each index. The function is called
-- qualified with the extension's schema, which the check reads from pg_extension.
SELECT c.oid, p.index_size, p.internal_pages, p.leaf_pages, p.empty_pages, p.deleted_pages,
       p.avg_leaf_density
FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS u(oid)
JOIN pg_catalog.pg_class c ON c.oid = u.oid
CROSS JOIN LATERAL "@extschema@".pgstatindex(c.oid::pg_catalog.regclass) AS p
