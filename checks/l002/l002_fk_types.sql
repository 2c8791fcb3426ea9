/* pgcheckup L002 */
-- Each foreign key column and the column it references, their types looked up by
-- (attrelid, attnum) one pair at a time (scalar subqueries: index probes, whatever the
-- planner thinks of the catalogs' sizes; a join here read every column of both tables
-- per key). Names and typmods are read for the listed pairs only.
WITH pairs AS MATERIALIZED (
    SELECT c.oid, c.conrelid, c.confrelid, k.ord, k.att, c.confkey[k.ord] AS refatt,
           (SELECT a.atttypid FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = c.conrelid AND a.attnum = k.att) AS atttypid,
           (SELECT a.atttypid FROM pg_catalog.pg_attribute a
            WHERE a.attrelid = c.confrelid AND a.attnum = c.confkey[k.ord]) AS ref_atttypid
    FROM pg_catalog.pg_constraint c,
         pg_catalog.unnest(c.conkey) WITH ORDINALITY k(att, ord)
    WHERE c.contype = 'f' AND c.conparentid = 0
), typed AS (
    SELECT p.*,
           CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END AS typ,
           CASE WHEN rt.typtype = 'd' THEN rt.typbasetype ELSE rt.oid END AS ref_typ
    FROM pairs p
    JOIN pg_catalog.pg_type t ON t.oid = p.atttypid
    JOIN pg_catalog.pg_type rt ON rt.oid = p.ref_atttypid
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
SELECT n.nspname AS schema, r.relname AS "table", c.conname AS constraint_name, a.attname AS "column",
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       fn.nspname AS ref_schema, f.relname AS ref_table, ra.attname AS ref_column,
       pg_catalog.format_type(ra.atttypid, ra.atttypmod) AS ref_type,
       pg_catalog.format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s;', n.nspname, r.relname, a.attname,
                         pg_catalog.format_type(ra.atttypid, ra.atttypmod)) AS fix,
       d.total
FROM differ d
JOIN pg_catalog.pg_constraint c ON c.oid = d.oid
JOIN pg_catalog.pg_class r ON r.oid = d.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
JOIN pg_catalog.pg_class f ON f.oid = d.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = d.conrelid AND a.attnum = d.att
JOIN pg_catalog.pg_attribute ra ON ra.attrelid = d.confrelid AND ra.attnum = d.refatt
ORDER BY d.oid, d.ord
