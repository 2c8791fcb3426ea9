/* pgcheckup F003 */
-- Names, times and counters of the tables to list ($1: at most 4 × top_n of them).
SELECT c.oid, n.nspname, c.relname,
       pg_catalog.pg_stat_get_last_vacuum_time(c.oid) AS last_vacuum,
       pg_catalog.pg_stat_get_last_autovacuum_time(c.oid) AS last_autovacuum,
       pg_catalog.pg_stat_get_last_analyze_time(c.oid) AS last_analyze,
       pg_catalog.pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
       EXTRACT(epoch FROM pg_catalog.now() - GREATEST(pg_catalog.pg_stat_get_last_vacuum_time(c.oid),
                                                      pg_catalog.pg_stat_get_last_autovacuum_time(c.oid)))::float8,
       EXTRACT(epoch FROM pg_catalog.now() - GREATEST(pg_catalog.pg_stat_get_last_analyze_time(c.oid),
                                                      pg_catalog.pg_stat_get_last_autoanalyze_time(c.oid)))::float8,
       pg_catalog.pg_stat_get_vacuum_count(c.oid), pg_catalog.pg_stat_get_autovacuum_count(c.oid),
       pg_catalog.pg_stat_get_analyze_count(c.oid), pg_catalog.pg_stat_get_autoanalyze_count(c.oid)
FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS l(oid)
JOIN pg_catalog.pg_class c ON c.oid = l.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
