/* pgcheckup S003 */
SELECT pg_catalog.current_setting('ssl') AS ssl,
  pg_catalog.current_setting('listen_addresses') AS listen_addresses,
  pg_catalog.has_table_privilege('pg_catalog.pg_hba_file_rules', 'SELECT')
    AND pg_catalog.has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE') AS hba_readable,
  (SELECT pg_catalog.count(*) FROM pg_catalog.pg_stat_activity a
    WHERE a.backend_type IS NULL AND a.usesysid IS NOT NULL AND a.pid <> pg_catalog.pg_backend_pid()) AS hidden_sessions
