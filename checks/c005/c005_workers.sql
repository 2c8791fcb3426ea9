/* pgcheckup C005 */
-- Workers of the subscriptions $1: the apply worker (no table) and table sync workers.
SELECT w.subid,
       pg_catalog.max(w.pid) FILTER (WHERE w.relid IS NULL) AS apply_pid,
       pg_catalog.count(w.pid) FILTER (WHERE w.relid IS NOT NULL) AS sync_workers,
       pg_catalog.max(w.received_lsn::text) FILTER (WHERE w.relid IS NULL),
       pg_catalog.max(EXTRACT(epoch FROM pg_catalog.now() - w.last_msg_receipt_time)::float8) FILTER (WHERE w.relid IS NULL),
       pg_catalog.max(EXTRACT(epoch FROM pg_catalog.now() - w.latest_end_time)::float8) FILTER (WHERE w.relid IS NULL)
FROM pg_catalog.pg_stat_subscription w
WHERE w.subid = ANY ($1::oid[])
GROUP BY w.subid
