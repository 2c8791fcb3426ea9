/* pgcheckup C004 */
-- Recovery conflicts per database (counters of queries the standby cancelled), only the
-- databases with any, most first, the first $1 of them; the sums and counts over every
-- database with conflicts come along on each row.
WITH c AS (
    SELECT c.datname, c.confl_tablespace, c.confl_lock, c.confl_snapshot, c.confl_bufferpin,
           c.confl_deadlock, NULL::bigint AS confl_active_logicalslot,
           c.confl_tablespace + c.confl_lock + c.confl_snapshot + c.confl_bufferpin + c.confl_deadlock AS total,
           EXTRACT(epoch FROM pg_catalog.now() - d.stats_reset)::float8 AS reset_age
    FROM pg_catalog.pg_stat_database_conflicts c
    LEFT JOIN pg_catalog.pg_stat_database d ON d.datid = c.datid
), w AS (
    SELECT c.*,
           pg_catalog.sum(c.confl_tablespace) OVER () AS s_tablespace, pg_catalog.sum(c.confl_lock) OVER () AS s_lock,
           pg_catalog.sum(c.confl_snapshot) OVER () AS s_snapshot, pg_catalog.sum(c.confl_bufferpin) OVER () AS s_bufferpin,
           pg_catalog.sum(c.confl_deadlock) OVER () AS s_deadlock, pg_catalog.sum(c.confl_active_logicalslot) OVER () AS s_logicalslot,
           pg_catalog.count(*) OVER () AS n,
           pg_catalog.max(c.reset_age) OVER () AS oldest_reset_age,
           pg_catalog.count(*) FILTER (WHERE c.reset_age IS NULL) OVER () AS never_reset
    FROM c
    WHERE c.total > 0 OR c.confl_active_logicalslot > 0
)
SELECT w.datname::text, w.confl_tablespace, w.confl_lock, w.confl_snapshot, w.confl_bufferpin, w.confl_deadlock,
       w.confl_active_logicalslot, w.reset_age,
       w.s_tablespace::bigint, w.s_lock::bigint, w.s_snapshot::bigint, w.s_bufferpin::bigint, w.s_deadlock::bigint,
       w.s_logicalslot::bigint, w.n, w.oldest_reset_age, w.never_reset
FROM w
ORDER BY w.total + COALESCE(w.confl_active_logicalslot, 0) DESC, w.datname
LIMIT $1
