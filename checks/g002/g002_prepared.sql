/* pgcheckup G002 */
SELECT gid, COALESCE(owner, ''), COALESCE(database, ''), pg_catalog.age(transaction)::bigint,
       EXTRACT(epoch FROM pg_catalog.now() - prepared)::float8
FROM pg_catalog.pg_prepared_xacts
ORDER BY prepared
LIMIT $1
