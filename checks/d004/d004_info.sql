/* pgcheckup D004 */
SELECT dealloc, stats_reset
FROM pg_stat_statements_info
