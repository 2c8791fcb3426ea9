/* pgcheckup K003 */
WITH s AS (
    SELECT s.queryid, s.userid, s.dbid, s.query, s.calls, s.total_exec_time + s.total_plan_time AS total_ms, s.total_plan_time AS plan_ms,
           s.rows, s.shared_blks_hit, s.shared_blks_read, s.temp_blks_written, s.blk_read_time AS read_ms, s.blk_write_time AS write_ms
    FROM "@extschema@".pg_stat_statements s
    WHERE s.query NOT LIKE '/* pgcheckup %'
), total AS (
    -- other roles' statements show a NULL queryid and no text without pg_read_all_stats
    SELECT COALESCE(pg_catalog.sum(total_ms), 0) AS ms, pg_catalog.count(*) AS n, pg_catalog.count(*) FILTER (WHERE queryid IS NULL) AS hidden FROM s
)
SELECT s.queryid, COALESCE(d.datname, ''), COALESCE(pg_catalog.pg_get_userbyid(s.userid), ''),
       CASE WHEN s.queryid IS NOT NULL THEN COALESCE(s.query, '') ELSE '' END, s.calls, s.total_ms, s.plan_ms, s.rows, s.shared_blks_hit, s.shared_blks_read,
       s.temp_blks_written, s.read_ms, s.write_ms, total.ms, total.n, total.hidden
FROM s
CROSS JOIN total
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.dbid
ORDER BY s.total_ms DESC
LIMIT $1
