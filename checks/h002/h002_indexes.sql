/* pgcheckup H002 */
-- One pass over pg_index, matched in Go (read.go): the indexes that could be dropped on
-- their own (not unique, not a primary key, not an exclusion constraint), with their scans
-- on this node. The partitions of such a partitioned index are of the same kind (ATTACH
-- PARTITION requires it), so they are here too. pg_stat_get_numscans costs microseconds a
-- call: it runs for these rows only, a third of the indexes at 50,000 tables.
SELECT i.indexrelid, i.indrelid, i.indisvalid, i.indpred IS NULL AS not_partial,
       i.indkey::pg_catalog.int2[] AS indkey, i.indnkeyatts,
       pg_catalog.pg_stat_get_numscans(i.indexrelid) AS scans
FROM pg_catalog.pg_index i
WHERE NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
