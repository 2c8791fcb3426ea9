/* pgcheckup L003 */
-- Every smallint/integer column fed by a sequence, with what judging it needs. Nothing
-- here reads or locks a sequence: the positions are read in batches (l003_read.sql).
-- Driven by pg_sequence: two index probes into pg_depend per sequence, whatever the
-- planner knows of the catalogs' sizes. A serial column is found twice here (OWNED BY
-- and its DEFAULT); pgcheckup drops the duplicate rather than sort or hash the list.
SELECT s.seqrelid AS seq, fed.relid, fed.attnum,
       n.nspname, r.relname, a.attname, pg_catalog.format_type(bt.oid, NULL) AS col_type,
       a.attidentity <> '' AS is_identity, GREATEST(r.reltuples, 0)::float8 AS reltuples,
       sn.nspname AS seq_schema, sc.relname AS seq_name, pg_catalog.format_type(s.seqtypid, NULL) AS seq_type,
       s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
       bt.oid = 'pg_catalog.int2'::pg_catalog.regtype AS is_int2,
       pg_catalog.has_sequence_privilege(sc.oid, 'SELECT, USAGE') AS visible,
       -- an unlogged sequence cannot be read on a standby
       sc.relpersistence = 'u' AND pg_catalog.pg_is_in_recovery() AS unreadable
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid
JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
CROSS JOIN LATERAL (
    -- serial (OWNED BY: 'a') and identity ('i') sequences depend on their column
    SELECT d.refobjid AS relid, d.refobjsubid AS attnum
    FROM pg_catalog.pg_depend d
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = s.seqrelid
      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
  UNION ALL
    -- a DEFAULT nextval('seq') depends on the sequence, owned or not
    SELECT ad.adrelid, ad.adnum
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_attrdef ad ON ad.oid = d.objid
    WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = s.seqrelid
      AND d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
) fed
JOIN pg_catalog.pg_class r ON r.oid = fed.relid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
-- inherited columns (partitions, inheritance children) share the parent's sequence
JOIN pg_catalog.pg_attribute a ON a.attrelid = fed.relid AND a.attnum = fed.attnum
     AND NOT a.attisdropped AND a.attinhcount = 0
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
-- temporary sequences of other sessions cannot be read
WHERE sc.relpersistence <> 't'
  AND bt.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
