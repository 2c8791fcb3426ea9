/* pgcheckup L003 */
-- The columns a sequence is OWNED BY that have no DEFAULT nor identity, so that the pass
-- over pg_attribute (l003_columns.sql) leaves them out ($1 tables, $2 column numbers, one
-- pair for each; usually none). Each is probed by index: a lateral subquery with LIMIT,
-- which the planner cannot turn into a join, whatever the catalog statistics say.
SELECT p.relid, p.attnum::pg_catalog.int4 AS attnum, a.attidentity <> '' AS is_identity,
       a.atttypid = ANY (ARRAY(SELECT t.oid FROM pg_catalog.pg_type t
                               WHERE t.oid = 'pg_catalog.int2'::pg_catalog.regtype
                                  OR (t.typtype = 'd' AND t.typbasetype = 'pg_catalog.int2'::pg_catalog.regtype))) AS is_int2
FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.int2[])) AS p(relid, attnum)
CROSS JOIN LATERAL (
    SELECT x.attidentity, x.atttypid
    FROM pg_catalog.pg_attribute x
    WHERE x.attrelid = p.relid AND x.attnum = p.attnum AND NOT x.attisdropped AND x.attinhcount = 0
    LIMIT 1) a
WHERE a.atttypid = ANY (ARRAY(SELECT t.oid FROM pg_catalog.pg_type t
                              WHERE t.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
                                 OR (t.typtype = 'd' AND t.typbasetype IN ('pg_catalog.int2'::pg_catalog.regtype,
                                                                          'pg_catalog.int4'::pg_catalog.regtype))))
