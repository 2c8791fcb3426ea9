/* pgcheckup F003 */
-- The activity counters of every table of the database, one narrow row each: pgcheckup
-- ranks and counts them itself, so the server sorts nothing (sorting every table's
-- statistics here spilled to temporary files on large catalogs). The statistics
-- functions are called directly: the pg_stat_user_tables view also groups every table
-- with its indexes, which is the larger cost. Tables with nothing to report (no dead
-- tuples, no modifications, analyzed or empty) are left out here.
SELECT s.oid, s.n_live_tup, s.n_dead_tup, s.n_mod_since_analyze, s.reltuples, s.never_analyzed, s.reloptions
FROM (
    SELECT c.oid,
           pg_catalog.pg_stat_get_live_tuples(c.oid)::float8 AS n_live_tup,
           pg_catalog.pg_stat_get_dead_tuples(c.oid)::float8 AS n_dead_tup,
           pg_catalog.pg_stat_get_mod_since_analyze(c.oid)::float8 AS n_mod_since_analyze,
           c.reltuples::float8 AS reltuples,
           pg_catalog.pg_stat_get_last_analyze_time(c.oid) IS NULL
               AND pg_catalog.pg_stat_get_last_autoanalyze_time(c.oid) IS NULL
               AND pg_catalog.pg_stat_get_live_tuples(c.oid) > 0 AS never_analyzed,
           c.reloptions
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    -- the tables of pg_stat_user_tables that can have tuples
    WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
) s
WHERE s.n_dead_tup > 0 OR s.n_mod_since_analyze > 0 OR s.never_analyzed
