/* pgcheckup G002 */
WITH a AS (
    SELECT pid, usename, application_name, datname, state, xact_start, query_start, state_change
    FROM pg_catalog.pg_stat_activity
    WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
)
(SELECT 'idle_in_transaction' AS kind, pid, usename, application_name, datname, state,
        EXTRACT(epoch FROM pg_catalog.now() - state_change)::float8 AS age,
        EXTRACT(epoch FROM pg_catalog.now() - xact_start)::float8 AS xact_age
 FROM a WHERE state LIKE 'idle in transaction%' ORDER BY state_change LIMIT 1)
UNION ALL
(SELECT 'transaction', pid, usename, application_name, datname, state,
        EXTRACT(epoch FROM pg_catalog.now() - xact_start)::float8,
        EXTRACT(epoch FROM pg_catalog.now() - xact_start)::float8
 FROM a WHERE xact_start IS NOT NULL ORDER BY xact_start LIMIT 1)
UNION ALL
(SELECT 'query', pid, usename, application_name, datname, state,
        EXTRACT(epoch FROM pg_catalog.now() - query_start)::float8,
        EXTRACT(epoch FROM pg_catalog.now() - xact_start)::float8
 FROM a WHERE state = 'active' AND query_start IS NOT NULL ORDER BY query_start LIMIT 1)
