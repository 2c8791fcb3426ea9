/* pgcheckup H003 */
-- The indexes that may support a foreign key: valid, not partial, led by one of the
-- columns of a foreign key of their table (an expression is attnum 0 and never matches).
-- One pass over pg_index, semi-joined to pg_constraint on the table; Go compares their
-- columns with each key's (judge.go).
SELECT i.indrelid, i.indnkeyatts, i.indkey::pg_catalog.int2[] AS indkey,
       i.indclass::pg_catalog.oid[] AS indclass, i.indcollation::pg_catalog.oid[] AS indcollation
FROM pg_catalog.pg_index i
WHERE i.indisvalid AND i.indpred IS NULL AND i.indkey[0] <> 0
  AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c
              WHERE c.conrelid = i.indrelid AND c.contype = 'f' AND i.indkey[0] = ANY (c.conkey))
