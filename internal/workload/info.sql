/* pgcheckup K001 */
SELECT i.dealloc, i.stats_reset FROM "@extschema@".pg_stat_statements_info i
