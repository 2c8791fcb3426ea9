/* pgcheckup L003 */
-- Every sequence's parameters. One pass over pg_sequence, nothing joined: pgcheckup
-- matches sequences to their columns in Go (l003_rels.sql, l003_depend.sql,
-- l003_columns.sql), so no plan here depends on catalog statistics. Whether the role
-- may read a sequence is asked where it is read (l003_read.sql), once.
SELECT s.seqrelid AS seq, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle
FROM pg_catalog.pg_sequence s
