/* pgcheckup C005 */
-- The publications of this database with how many tables each publishes (FOR ALL TABLES
-- and schemas expanded by the server), and wal_level, which must be logical to publish.
SELECT p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_publication_tables t WHERE t.pubname = p.pubname) AS tables,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_publication_rel r WHERE r.prpubid = p.oid) AS listed_tables,
       pg_catalog.current_setting('wal_level')
FROM pg_catalog.pg_publication p
ORDER BY p.pubname
