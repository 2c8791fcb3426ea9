/* pgcheckup F003 */
WITH s AS (
    SELECT st.relid, st.schemaname, st.relname, st.n_live_tup, st.n_dead_tup, st.n_mod_since_analyze,
           st.last_vacuum, st.last_autovacuum, st.last_analyze, st.last_autoanalyze,
           st.vacuum_count, st.autovacuum_count, st.analyze_count, st.autoanalyze_count,
           c.reltuples, c.reloptions,
           st.last_analyze IS NULL AND st.last_autoanalyze IS NULL AND st.n_live_tup > 0 AS never_analyzed
    FROM pg_catalog.pg_stat_user_tables st
    JOIN pg_catalog.pg_class c ON c.oid = st.relid
), ranked AS (
    SELECT s.*,
           pg_catalog.row_number() OVER (ORDER BY n_dead_tup DESC) AS rank_dead,
           pg_catalog.row_number() OVER (ORDER BY n_dead_tup >= $2 DESC,
                                         n_dead_tup::float8 / GREATEST(n_live_tup + n_dead_tup, 1) DESC) AS rank_ratio,
           pg_catalog.row_number() OVER (ORDER BY n_mod_since_analyze DESC) AS rank_mod,
           pg_catalog.row_number() OVER (ORDER BY never_analyzed DESC, n_live_tup DESC) AS rank_never
    FROM s
)
SELECT schemaname, relname, n_live_tup::float8, n_dead_tup::float8, n_mod_since_analyze::float8, reltuples::float8,
       last_vacuum, last_autovacuum, last_analyze, last_autoanalyze,
       EXTRACT(epoch FROM pg_catalog.now() - GREATEST(last_vacuum, last_autovacuum))::float8,
       EXTRACT(epoch FROM pg_catalog.now() - GREATEST(last_analyze, last_autoanalyze))::float8,
       vacuum_count, autovacuum_count, analyze_count, autoanalyze_count,
       COALESCE(reloptions, '{}'), never_analyzed
FROM ranked
WHERE (rank_dead <= $1 AND n_dead_tup > 0)
   OR (rank_ratio <= $1 AND n_dead_tup > 0)
   OR (rank_mod <= $1 AND n_mod_since_analyze > 0)
   OR (rank_never <= $1 AND never_analyzed)
ORDER BY n_dead_tup DESC, n_mod_since_analyze DESC, schemaname, relname
