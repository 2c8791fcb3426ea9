/* pgcheckup H002 */
-- One pass over pg_constraint, matched in Go: the constraints backed by an index (such an
-- index cannot be dropped on its own), and the foreign keys' columns (an index on them
-- serves the referenced table's deletes and key updates). Primary keys, half the rows,
-- are left out: their indexes are indisprimary, which h002_indexes.sql leaves out.
SELECT k.conrelid, k.conindid, CASE WHEN k.contype = 'f' THEN k.conkey END AS fk_columns
FROM pg_catalog.pg_constraint k
WHERE k.contype = 'f' OR (k.conindid <> 0 AND k.contype <> 'p')
