/* pgcheckup C005 */
-- The subscriptions of this database. subconninfo (which may hold a password) is never
-- read.
SELECT s.oid, s.subname, s.subenabled, s.subslotname,
       pg_catalog.array_to_string(s.subpublications, ', '), pg_catalog.pg_get_userbyid(s.subowner),
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription_rel r WHERE r.srsubid = s.oid) AS tables,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate NOT IN ('r', 's')) AS syncing
FROM pg_catalog.pg_subscription s
WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
ORDER BY s.subname
