/* pgcheckup A006 */
SELECT s.name,
       COALESCE(s.setting, '') AS setting,
       COALESCE(s.unit, '') AS unit,
       s.vartype,
       s.source,
       s.context,
       s.pending_restart
FROM pg_catalog.pg_settings s
ORDER BY s.name
