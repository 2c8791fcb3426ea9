/* pgcheckup H003 */
-- One pass over pg_constraint: every foreign key and every clone of one (conparentid, on
-- the partitions of a partitioned table). Go links the clones to their root and judges
-- each against the indexes of its table (judge.go): no join, so no plan that stale
-- catalog statistics could turn bad, and no probe per key. A partitioned table is judged
-- by its partitions (the clones), so its own key is not.
SELECT c.oid, c.conparentid, c.conrelid, c.conkey, c.conpfeqop,
       c.conrelid IN (SELECT p.partrelid FROM pg_catalog.pg_partitioned_table p) AS partitioned,
       c.conperiod AS period,
       c.conenforced AS enforced  -- NOT ENFORCED: no triggers, nothing looks the rows up
FROM pg_catalog.pg_constraint c
WHERE c.contype = 'f'
