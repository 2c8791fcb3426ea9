/* pgcheckup E002 */
SELECT backend_type,
       COALESCE(pg_catalog.sum(writes) FILTER (WHERE context = 'normal'), 0)::bigint AS writes_normal,
       COALESCE(pg_catalog.sum(writes), 0)::bigint AS writes,
       COALESCE(pg_catalog.sum(fsyncs), 0)::bigint AS fsyncs,
       COALESCE(pg_catalog.sum(evictions), 0)::bigint AS evictions,
       COALESCE(pg_catalog.sum(reads), 0)::bigint AS reads
FROM pg_catalog.pg_stat_io
WHERE object = 'relation'
GROUP BY backend_type
HAVING COALESCE(pg_catalog.sum(writes), 0) + COALESCE(pg_catalog.sum(fsyncs), 0) + COALESCE(pg_catalog.sum(reads), 0) > 0
ORDER BY pg_catalog.sum(writes) DESC NULLS LAST, backend_type
