/* pgcheckup N001 */
SELECT pg_catalog.current_setting('server_version_num')::pg_catalog.int4
