/* pgcheckup L003 */
-- One pass over pg_attribute: every smallint/integer column (or of a domain over one)
-- that is the table's own (inherited columns, of partitions and inheritance children,
-- share the parent's sequence). pgcheckup keeps those a sequence feeds.
SELECT a.attrelid, a.attnum::pg_catalog.int4 AS attnum, a.attidentity <> '' AS is_identity,
       a.atttypid = ANY (ARRAY(SELECT t.oid FROM pg_catalog.pg_type t
                               WHERE t.oid = 'pg_catalog.int2'::pg_catalog.regtype
                                  OR (t.typtype = 'd' AND t.typbasetype = 'pg_catalog.int2'::pg_catalog.regtype))) AS is_int2
FROM pg_catalog.pg_attribute a
WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attinhcount = 0
  AND a.atttypid = ANY (ARRAY(SELECT t.oid FROM pg_catalog.pg_type t
                              WHERE t.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
                                 OR (t.typtype = 'd' AND t.typbasetype IN ('pg_catalog.int2'::pg_catalog.regtype,
                                                                          'pg_catalog.int4'::pg_catalog.regtype))))
