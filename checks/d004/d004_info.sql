/* pgcheckup D004 */
SELECT dealloc, stats_reset
FROM "@extschema@".pg_stat_statements_info
