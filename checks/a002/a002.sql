/* pgcheckup A002 */
SELECT pg_catalog.current_setting('server_version') AS version,
       pg_catalog.current_setting('server_version_num')::int AS version_num,
       pg_catalog.version() AS version_string,
       pg_catalog.now() AS server_now
