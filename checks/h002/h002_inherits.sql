/* pgcheckup H002 */
-- One pass over pg_inherits (which takes no locks, unlike pg_partition_tree), matched in
-- Go: the partitions of partitioned indexes, among those of tables.
SELECT h.inhrelid, h.inhparent
FROM pg_catalog.pg_inherits h
