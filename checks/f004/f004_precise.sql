/* pgcheckup F004 */
-- --precise-bloat only: measures the candidates found by f004.sql (their OIDs in $1) with
-- pgstattuple_approx, which reads every page not marked all-visible. The function is called
-- qualified with the extension's schema, which the check reads from pg_extension.
SELECT c.oid, p.table_len, p.scanned_percent, p.approx_free_space, p.dead_tuple_len
FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS u(oid)
JOIN pg_catalog.pg_class c ON c.oid = u.oid
CROSS JOIN LATERAL "@extschema@".pgstattuple_approx(c.oid::pg_catalog.regclass) AS p
