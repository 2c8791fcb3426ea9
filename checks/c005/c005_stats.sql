/* pgcheckup C005 */
-- Errors of the subscriptions $1 since their statistics were reset (15+).
SELECT s.subid, s.apply_error_count, s.sync_error_count, NULL::bigint AS conflicts,
       EXTRACT(epoch FROM pg_catalog.now() - s.stats_reset)::float8
FROM pg_catalog.pg_stat_subscription_stats s
WHERE s.subid = ANY ($1::oid[])
