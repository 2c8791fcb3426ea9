/* pgcheckup H003 */
-- One pass over pg_constraint: every foreign key and every clone of one (conparentid, on
-- the partitions of a partitioned table). Go links the clones to their root and judges
-- each against the indexes of its table (judge.go): no join, so no plan that stale
-- catalog statistics could turn bad, and no probe per key. A partitioned table is judged
-- by its partitions (the clones), so its own key is not.
SELECT c.oid, c.conparentid, c.conrelid, c.conkey, c.conpfeqop,
       c.conrelid IN (SELECT p.partrelid FROM pg_catalog.pg_partitioned_table p) AS partitioned,
       false AS period,   -- temporal keys arrive in 18
       true AS enforced   -- so does NOT ENFORCED
FROM pg_catalog.pg_constraint c
WHERE c.contype = 'f'
