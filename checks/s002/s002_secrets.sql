/* pgcheckup S002 */
WITH a AS (
    SELECT rolname, rolcanlogin,
           COALESCE(pg_catalog.starts_with(rolpassword, 'md5'), false) AS md5,
           COALESCE(pg_catalog.starts_with(rolpassword, 'SCRAM-SHA-256$'), false) AS scram,
           rolpassword IS NULL AS none
    FROM pg_catalog.pg_authid
), c AS (
    SELECT pg_catalog.count(*) FILTER (WHERE md5) AS md5_total,
           pg_catalog.count(*) FILTER (WHERE md5 AND rolcanlogin) AS md5_login,
           pg_catalog.count(*) FILTER (WHERE scram) AS scram_total,
           pg_catalog.count(*) FILTER (WHERE rolcanlogin AND none) AS login_without_password
    FROM a
)
SELECT c.md5_total, c.md5_login, c.scram_total, c.login_without_password,
       ARRAY(SELECT a.rolname::pg_catalog.text FROM a WHERE a.md5 ORDER BY a.rolcanlogin DESC, a.rolname LIMIT $1) AS md5_roles
FROM c
