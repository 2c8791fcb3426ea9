/* pgcheckup L005 */
-- judged is materialized: without it, ORDER BY oid LIMIT made the planner walk every
-- constraint in oid order through pg_constraint's index and probe pg_index once per
-- foreign key (48,500 of each at 50,000 tables); as a CTE of its own it is one pass over
-- pg_constraint, and only the few bad rows are sorted.
WITH judged AS MATERIALIZED (
    SELECT c.oid,
           CASE WHEN i.indexrelid IS NULL THEN 'no-index'
                WHEN i.indrelid <> c.confrelid THEN 'other-table'
                WHEN NOT (i.indisvalid AND i.indisready AND i.indislive) THEN 'invalid'
                WHEN NOT i.indisunique THEN 'not-unique'
                WHEN NOT i.indimmediate THEN 'deferrable'
                WHEN i.indpred IS NOT NULL THEN 'partial'
                -- the unique columns must be exactly the referenced ones (as a set); one
                -- column, the common case, compared without sorting arrays
                WHEN i.indnkeyatts <> pg_catalog.cardinality(c.confkey) THEN 'other-columns'
                WHEN i.indnkeyatts = 1 THEN CASE WHEN i.indkey[0] <> c.confkey[1] THEN 'other-columns' END
                WHEN (SELECT pg_catalog.array_agg(k ORDER BY k)
                      FROM pg_catalog.unnest((i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1]) k)
                     <> (SELECT pg_catalog.array_agg(k ORDER BY k) FROM pg_catalog.unnest(c.confkey) k)
                THEN 'other-columns'
           END AS problem
    FROM pg_catalog.pg_constraint c
    LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid
    WHERE c.contype = 'f' AND c.conparentid = 0
), bad AS (
    SELECT judged.*, pg_catalog.count(*) OVER () AS total
    FROM judged
    WHERE problem IS NOT NULL
    ORDER BY oid
    LIMIT $1
)
SELECT n.nspname AS schema, r.relname AS "table", c.conname AS constraint_name,
       fn.nspname AS ref_schema, f.relname AS ref_table,
       (SELECT pg_catalog.array_agg(a.attname ORDER BY k.ord)
        FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY k(att, ord)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att) AS ref_columns,
       ix.relname AS index_name, ixn.nspname AS index_schema, b.problem,
       CASE WHEN b.problem = 'invalid'
            THEN pg_catalog.format('REINDEX INDEX CONCURRENTLY %I.%I;', ixn.nspname, ix.relname)
            ELSE pg_catalog.format('ALTER TABLE %I.%I ADD UNIQUE (%s);', fn.nspname, f.relname,
                 (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.ord)
                  FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY k(att, ord)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att))
       END AS fix,
       b.total
FROM bad b
JOIN pg_catalog.pg_constraint c ON c.oid = b.oid
JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
JOIN pg_catalog.pg_class f ON f.oid = c.confrelid
JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
LEFT JOIN pg_catalog.pg_class ix ON ix.oid = c.conindid
LEFT JOIN pg_catalog.pg_namespace ixn ON ixn.oid = ix.relnamespace
ORDER BY b.oid
