/* pgcheckup S001 */
WITH l AS (
    SELECT rolname, rolvaliduntil,
           rolvaliduntil IS NOT NULL AND rolvaliduntil < 'infinity'::pg_catalog.timestamptz AS expires
    FROM pg_catalog.pg_roles
    WHERE rolcanlogin AND oid <> 10
), c AS (
    SELECT pg_catalog.count(*) FILTER (WHERE expires) AS with_expiry,
           pg_catalog.count(*) FILTER (WHERE NOT expires) AS without_expiry,
           pg_catalog.count(*) FILTER (WHERE expires AND rolvaliduntil < $2) AS expiring
    FROM l
)
SELECT x.rolname, x.valid_until, c.with_expiry, c.without_expiry, c.expiring
FROM c
LEFT JOIN LATERAL (
    (SELECT rolname, NULL::pg_catalog.timestamptz AS valid_until
     FROM l WHERE NOT expires AND c.with_expiry > 0 ORDER BY rolname LIMIT $1)
    UNION ALL
    (SELECT rolname, GREATEST(rolvaliduntil, 'epoch'::pg_catalog.timestamptz)
     FROM l WHERE expires AND rolvaliduntil < $2 ORDER BY rolvaliduntil, rolname LIMIT $1)
) x ON true
