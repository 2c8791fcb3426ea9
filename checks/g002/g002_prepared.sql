/* pgcheckup G002 */
-- the oldest $1, and how many of all are older than $2 seconds (the finding counts them all)
SELECT gid, COALESCE(owner, ''), COALESCE(database, ''), pg_catalog.age(transaction)::bigint,
       EXTRACT(epoch FROM pg_catalog.now() - prepared)::float8,
       pg_catalog.count(*) FILTER (WHERE pg_catalog.now() - prepared > pg_catalog.make_interval(secs => $2::float8)) OVER () AS old
FROM pg_catalog.pg_prepared_xacts
ORDER BY prepared
LIMIT $1
