/* pgcheckup G002 */
SELECT pg_catalog.current_setting('max_connections')::int,
       pg_catalog.current_setting('superuser_reserved_connections')::int,
       COALESCE(pg_catalog.current_setting('reserved_connections', true), '0')::int,
       pg_catalog.current_setting('idle_in_transaction_session_timeout'),
       pg_catalog.current_setting('max_prepared_transactions')::int,
       pg_catalog.count(*) AS sessions,
       pg_catalog.count(*) FILTER (WHERE state IS NULL) AS not_visible,
       pg_catalog.count(*) FILTER (WHERE state LIKE 'idle in transaction%'
                                   AND pg_catalog.now() - state_change > pg_catalog.make_interval(secs => $1)) AS idle_tx_short,
       pg_catalog.count(*) FILTER (WHERE state LIKE 'idle in transaction%'
                                   AND pg_catalog.now() - state_change > pg_catalog.make_interval(secs => $2)) AS idle_tx_long,
       pg_catalog.count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting_on_locks
FROM pg_catalog.pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
