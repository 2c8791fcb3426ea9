/* pgcheckup C005 */
-- Tables published for UPDATE or DELETE without a usable replica identity: on the
-- publisher such an UPDATE or DELETE fails. Partitioned tables are expanded to their
-- leaf partitions through pg_inherits (no locks taken), since the statement runs against
-- the partition. The first $1 are listed; the total comes along on each row.
WITH RECURSIVE pub AS (
    SELECT p.pubname, p.pubupdate, p.pubdelete, c.oid AS relid
    FROM pg_catalog.pg_publication p
    JOIN pg_catalog.pg_publication_tables t ON t.pubname = p.pubname
    JOIN pg_catalog.pg_namespace n ON n.nspname = t.schemaname
    JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = t.tablename
    WHERE p.pubupdate OR p.pubdelete
), tree AS (
    SELECT pub.pubname, pub.pubupdate, pub.pubdelete, c.oid AS relid, c.relkind
    FROM pub JOIN pg_catalog.pg_class c ON c.oid = pub.relid
    UNION ALL
    SELECT tree.pubname, tree.pubupdate, tree.pubdelete, c.oid, c.relkind
    FROM tree
    JOIN pg_catalog.pg_inherits i ON i.inhparent = tree.relid
    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    WHERE tree.relkind = 'p'
), bad AS (
    SELECT tree.relid, pg_catalog.array_agg(DISTINCT tree.pubname::text) AS pubs,
           pg_catalog.bool_or(tree.pubupdate) AS upd, pg_catalog.bool_or(tree.pubdelete) AS del
    FROM tree
    JOIN pg_catalog.pg_class c ON c.oid = tree.relid
    WHERE tree.relkind = 'r'
      AND CASE c.relreplident
              WHEN 'f' THEN false
              WHEN 'd' THEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x WHERE x.indrelid = c.oid AND x.indisprimary)
              WHEN 'i' THEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x WHERE x.indrelid = c.oid AND x.indisreplident)
              ELSE true END
    GROUP BY tree.relid
)
SELECT n.nspname, c.relname, c.relreplident::text, bad.pubs, bad.upd, bad.del, c.reltuples::float8,
       pg_catalog.count(*) OVER () AS total
FROM bad
JOIN pg_catalog.pg_class c ON c.oid = bad.relid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
ORDER BY n.nspname, c.relname
LIMIT $1
