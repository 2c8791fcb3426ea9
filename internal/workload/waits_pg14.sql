/* pgcheckup N001 */
SELECT COALESCE(a.wait_event_type, 'CPU'),
       COALESCE(a.wait_event, 'CPU'),
       COALESCE(a.query_id, 0),
       pg_catalog.count(*)::pg_catalog.int4
FROM pg_catalog.pg_stat_activity a
WHERE a.state = 'active'
  AND a.backend_type = 'client backend'
  AND a.pid <> pg_catalog.pg_backend_pid()
GROUP BY 1, 2, 3
