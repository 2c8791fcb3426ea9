/* pgcheckup A003 */
SELECT s.name,
       s.setting,
       COALESCE(s.unit, '') AS unit,
       s.category,
       s.source,
       COALESCE(s.sourcefile, '') AS sourcefile,
       COALESCE(s.sourceline, 0) AS sourceline,
       s.pending_restart,
       COALESCE(s.boot_val, '') AS boot_val,
       COALESCE(s.reset_val, '') AS reset_val,
       s.vartype,
       s.context
FROM pg_catalog.pg_settings s
ORDER BY s.category, s.name
