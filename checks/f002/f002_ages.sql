/* pgcheckup F002 */
-- The ages of every table, materialized view and TOAST table, one narrow row each, with
-- their own freeze max age parameters: pgcheckup ranks and counts them itself, so the
-- server scans pg_class once and sorts nothing. A TOAST table without its own parameter
-- follows its owner's (reltoastrelid links them).
SELECT c.oid, c.reltoastrelid,
       pg_catalog.age(c.relfrozenxid)::bigint AS xid_age,
       pg_catalog.mxid_age(c.relminmxid)::bigint AS mxid_age,
       CASE WHEN c.reloptions IS NOT NULL THEN
           (SELECT pg_catalog.split_part(opt, '=', 2) FROM pg_catalog.unnest(c.reloptions) opt
            WHERE opt LIKE 'autovacuum\_freeze\_max\_age=%')::bigint END AS freeze_max_age_option,
       CASE WHEN c.reloptions IS NOT NULL THEN
           (SELECT pg_catalog.split_part(opt, '=', 2) FROM pg_catalog.unnest(c.reloptions) opt
            WHERE opt LIKE 'autovacuum\_multixact\_freeze\_max\_age=%')::bigint END AS mxid_freeze_max_age_option
FROM pg_catalog.pg_class c
WHERE c.relkind IN ('r', 'm', 't')
