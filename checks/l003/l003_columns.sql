/* pgcheckup L003 */
-- One pass over pg_attribute: every smallint/integer column (or of a domain over one)
-- that is the table's own (inherited columns, of partitions and inheritance children,
-- share the parent's sequence), that has a DEFAULT or is an identity: a sequence feeds
-- a column through its DEFAULT nextval(), its identity, or OWNED BY, and the few owned
-- columns with neither are probed by l003_owned.sql. pgcheckup keeps those a sequence
-- feeds; leaving out the columns without either sends a third of the rows at 50,000 tables.
SELECT a.attrelid, a.attnum::pg_catalog.int4 AS attnum, a.attidentity <> '' AS is_identity,
       a.atttypid = ANY (ARRAY(SELECT t.oid FROM pg_catalog.pg_type t
                               WHERE t.oid = 'pg_catalog.int2'::pg_catalog.regtype
                                  OR (t.typtype = 'd' AND t.typbasetype = 'pg_catalog.int2'::pg_catalog.regtype))) AS is_int2
FROM pg_catalog.pg_attribute a
WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0 AND (a.atthasdef OR a.attidentity <> '')
  AND a.atttypid = ANY (ARRAY(SELECT t.oid FROM pg_catalog.pg_type t
                              WHERE t.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
                                 OR (t.typtype = 'd' AND t.typbasetype IN ('pg_catalog.int2'::pg_catalog.regtype,
                                                                          'pg_catalog.int4'::pg_catalog.regtype))))
