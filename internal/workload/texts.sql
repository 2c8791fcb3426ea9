/* pgcheckup K001 */
-- showtext := true makes the server read the whole query-text file, once; only the texts
-- of the listed queryids and of pgcheckup's own statements leave it.
SELECT DISTINCT ON (s.queryid) s.queryid, s.query, s.query LIKE '/* pgcheckup %' AS own
FROM "@extschema@".pg_stat_statements(true) s
WHERE s.queryid = ANY ($1::int8[]) OR s.query LIKE '/* pgcheckup %'
ORDER BY s.queryid
