/* pgcheckup S003 */
SELECT t.rules, r.flagged, r.line_number, r.type, r.database, r.user_name, r.address, r.netmask, r.auth_method, r.error
FROM (SELECT pg_catalog.count(*) AS rules FROM pg_catalog.pg_hba_file_rules) t
LEFT JOIN LATERAL (
  SELECT h.line_number, h.type, h.database, h.user_name, h.address, h.netmask, h.auth_method, h.error,
    pg_catalog.count(*) OVER () AS flagged
  FROM pg_catalog.pg_hba_file_rules h
  WHERE h.error IS NOT NULL
     OR h.auth_method IN ('trust', 'password', 'ident')
     OR h.address IN ('all', '0.0.0.0', '::') OR h.netmask IN ('0.0.0.0', '::')
  ORDER BY h.line_number
  LIMIT $1
) r ON true
ORDER BY r.line_number
