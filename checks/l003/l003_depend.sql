/* pgcheckup L003 */
-- One pass over pg_depend: what may tie a sequence to a column. Serial (OWNED BY: 'a')
-- and identity ('i') sequences depend on their column (so do index columns: pgcheckup
-- keeps the rows whose seq is a sequence). A DEFAULT nextval('seq') depends on the
-- sequence; its table and column are looked up in pg_attrdef for those rows only, by
-- oid (scalar subqueries: index probes, whatever the catalog statistics say). Only rows
-- of sequences leave the server (a hashed subplan over pg_sequence): an index depends on
-- its table's columns the same way, and at 50,000 tables those are 200,000 rows.
SELECT CASE WHEN d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN d.refobjid ELSE d.objid END AS seq,
       CASE WHEN d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
            THEN (SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad WHERE ad.oid = d.objid)
            ELSE d.refobjid END AS relid,
       CASE WHEN d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
            THEN (SELECT ad.adnum FROM pg_catalog.pg_attrdef ad WHERE ad.oid = d.objid)
            ELSE d.refobjsubid END::pg_catalog.int4 AS attnum,
       -- OWNED BY alone: the column may have no DEFAULT (see l003_owned.sql)
       d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'a' AS owned
FROM pg_catalog.pg_depend d
WHERE d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND ((d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
        AND d.objid IN (SELECT s.seqrelid FROM pg_catalog.pg_sequence s))
       OR (d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass AND d.refobjsubid = 0
           AND d.refobjid IN (SELECT s.seqrelid FROM pg_catalog.pg_sequence s)))
