/* pgcheckup S002 */
SELECT pg_catalog.has_column_privilege('pg_catalog.pg_authid', 'rolname', 'SELECT')
   AND pg_catalog.has_column_privilege('pg_catalog.pg_authid', 'rolpassword', 'SELECT')
   AND pg_catalog.has_column_privilege('pg_catalog.pg_authid', 'rolcanlogin', 'SELECT')
