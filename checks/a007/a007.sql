/* pgcheckup A007 */
SELECT s.name,
       s.setting,
       COALESCE(s.unit, '') AS unit,
       s.category,
       s.source,
       COALESCE(s.sourcefile, '') AS sourcefile,
       COALESCE(s.sourceline, 0) AS sourceline,
       COALESCE(s.boot_val, '') AS boot_val,
       s.pending_restart,
       s.context
FROM pg_catalog.pg_settings s
WHERE s.source NOT IN ('default', 'override', 'client', 'session', 'interactive', 'test')
  AND s.name NOT IN ('application_name', 'statement_timeout', 'lock_timeout',
                     'default_transaction_read_only', 'jit')
  AND s.setting IS DISTINCT FROM s.boot_val
ORDER BY s.name
