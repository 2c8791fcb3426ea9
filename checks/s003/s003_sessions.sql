/* pgcheckup S003 */
SELECT a.usename, a.datname, a.client_addr::text AS client_addr, a.backend_type, pg_catalog.count(*) AS sessions,
  pg_catalog.count(*) OVER () AS groups, (pg_catalog.sum(pg_catalog.count(*)) OVER ())::int8 AS total
FROM pg_catalog.pg_stat_activity a
JOIN pg_catalog.pg_stat_ssl s ON s.pid = a.pid
WHERE a.client_addr IS NOT NULL AND NOT s.ssl
  AND NOT (a.client_addr <<= '127.0.0.0/8' OR a.client_addr = '::1' OR a.client_addr <<= '::ffff:127.0.0.0/104')
GROUP BY a.usename, a.datname, a.client_addr, a.backend_type
ORDER BY pg_catalog.count(*) DESC, a.client_addr::text
LIMIT $1
