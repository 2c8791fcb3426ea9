/* pgcheckup H002 */
-- when each listed large index was last scanned on this node (16+); the oids come from
-- h002_list.sql, for the listed rows only
SELECT s.indexrelid, s.last_idx_scan
FROM pg_catalog.pg_stat_all_indexes s
WHERE s.indexrelid = ANY ($1::pg_catalog.oid[])
