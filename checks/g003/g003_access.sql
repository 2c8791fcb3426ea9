/* pgcheckup G003 */
SELECT pg_catalog.has_table_privilege('pg_catalog.pg_file_settings', 'SELECT')
   AND pg_catalog.has_function_privilege('pg_catalog.pg_show_all_file_settings()', 'EXECUTE') AS readable
