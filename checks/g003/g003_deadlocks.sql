/* pgcheckup G003 */
SELECT datname, deadlocks, stats_reset,
       pg_catalog.sum(deadlocks) OVER ()::bigint AS total,
       pg_catalog.count(*) OVER () AS databases
FROM pg_catalog.pg_stat_database
WHERE datname IS NOT NULL AND deadlocks > 0
ORDER BY deadlocks DESC, datname
LIMIT $1
