/* pgcheckup C005 */
-- Errors and conflicts of the subscriptions $1 since their statistics were reset.
SELECT s.subid, s.apply_error_count, s.sync_error_count,
       s.confl_insert_exists + s.confl_update_origin_differs + s.confl_update_exists + s.confl_update_missing +
       s.confl_delete_origin_differs + s.confl_delete_missing + s.confl_multiple_unique_conflicts AS conflicts,
       EXTRACT(epoch FROM pg_catalog.now() - s.stats_reset)::float8
FROM pg_catalog.pg_stat_subscription_stats s
WHERE s.subid = ANY ($1::oid[])
