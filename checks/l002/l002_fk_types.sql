/* pgcheckup L002 */
WITH pairs AS (
    SELECT c.oid, c.conrelid, c.confrelid, k.ord, k.att, c.confkey[k.ord] AS refatt
    FROM pg_catalog.pg_constraint c,
         pg_catalog.unnest(c.conkey) WITH ORDINALITY k(att, ord)
    WHERE c.contype = 'f' AND c.conparentid = 0
), typed AS (
    SELECT p.*, a.attname, ra.attname AS ref_attname,
           CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END AS typ,
           CASE WHEN rt.typtype = 'd' THEN rt.typbasetype ELSE rt.oid END AS ref_typ,
           a.atttypid, a.atttypmod, ra.atttypid AS ref_atttypid, ra.atttypmod AS ref_atttypmod
    FROM pairs p
    JOIN pg_catalog.pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = p.att
    JOIN pg_catalog.pg_attribute ra ON ra.attrelid = p.confrelid AND ra.attnum = p.refatt
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_type rt ON rt.oid = ra.atttypid
), differ AS (
    SELECT typed.*, pg_catalog.count(*) OVER () AS total
    FROM typed
    WHERE typ <> ref_typ
      -- varchar and text compare alike: not a finding
      AND NOT (typ IN ('pg_catalog.text'::pg_catalog.regtype, 'pg_catalog.varchar'::pg_catalog.regtype)
               AND ref_typ IN ('pg_catalog.text'::pg_catalog.regtype, 'pg_catalog.varchar'::pg_catalog.regtype))
    ORDER BY oid, ord
    LIMIT $1
)
SELECT n.nspname AS schema, r.relname AS "table", c.conname AS constraint_name, d.attname AS "column",
       pg_catalog.format_type(d.atttypid, d.atttypmod) AS type,
       fn.nspname AS ref_schema, f.relname AS ref_table, d.ref_attname AS ref_column,
       pg_catalog.format_type(d.ref_atttypid, d.ref_atttypmod) AS ref_type,
       pg_catalog.format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s;', n.nspname, r.relname, d.attname,
                         pg_catalog.format_type(d.ref_atttypid, d.ref_atttypmod)) AS fix,
       d.total
FROM differ d
JOIN pg_catalog.pg_constraint c ON c.oid = d.oid
JOIN pg_catalog.pg_class r ON r.oid = d.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
JOIN pg_catalog.pg_class f ON f.oid = d.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
ORDER BY d.oid, d.ord
