/* pgcheckup C005 */
-- The subscriptions of this database. Before 14 pg_subscription.oid is not readable
-- without privileges, so the subscription's ID comes from pg_stat_subscription by name,
-- only when no other database has a subscription of that name. subconninfo (which may
-- hold a password) is never read.
WITH s AS (
    SELECT s.subname, s.subenabled, s.subslotname, s.subpublications, s.subowner,
           (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription o WHERE o.subname = s.subname) = 1 AS unique_name
    FROM pg_catalog.pg_subscription s
    WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
), ids AS (
    SELECT DISTINCT w.subid, w.subname FROM pg_catalog.pg_stat_subscription w
), sub AS (
    SELECT ids.subid, s.* FROM s LEFT JOIN ids ON ids.subname = s.subname AND s.unique_name
)
SELECT sub.subid, sub.subname, sub.subenabled, sub.subslotname,
       pg_catalog.array_to_string(sub.subpublications, ', '), pg_catalog.pg_get_userbyid(sub.subowner),
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription_rel r WHERE r.srsubid = sub.subid) AS tables,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_subscription_rel r WHERE r.srsubid = sub.subid AND r.srsubstate NOT IN ('r', 's')) AS syncing
FROM sub
ORDER BY sub.subname
