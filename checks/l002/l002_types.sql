/* pgcheckup L002 */
-- The one pass over pg_attribute of L002 (the other statements probe it by index for the
-- columns they name): each column is read once, kept when its type is timestamp or money
-- (a hash of those two types and the domains over them), and only those are joined on.
WITH cols AS (
    SELECT r.oid, a.attnum, a.attname,
           CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END = 'pg_catalog.money'::pg_catalog.regtype AS is_money
    FROM pg_catalog.pg_class r
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    -- partitions repeat their parent's columns; extensions' tables are not the user's
    WHERE r.relkind IN ('r', 'p') AND NOT r.relispartition AND r.relpersistence <> 't'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
      AND CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
          IN ('pg_catalog.timestamp'::pg_catalog.regtype, 'pg_catalog.money'::pg_catalog.regtype)
      AND NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend d
          WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = r.oid AND d.deptype = 'e')
), per_table AS (
    SELECT oid,
           pg_catalog.array_agg(attname ORDER BY attnum) FILTER (WHERE NOT is_money) AS timestamp_columns,
           pg_catalog.array_agg(attname ORDER BY attnum) FILTER (WHERE is_money) AS money_columns,
           pg_catalog.count(*) FILTER (WHERE NOT is_money) AS n_ts,
           pg_catalog.count(*) FILTER (WHERE is_money) AS n_money
    FROM cols
    GROUP BY oid
), ranked AS (
    SELECT per_table.*,
           pg_catalog.sum(n_ts) OVER ()::bigint AS ts_columns,
           pg_catalog.count(*) FILTER (WHERE n_ts > 0) OVER () AS ts_tables,
           pg_catalog.sum(n_money) OVER ()::bigint AS money_columns_total,
           pg_catalog.count(*) FILTER (WHERE n_money > 0) OVER () AS money_tables,
           pg_catalog.count(*) OVER () AS total
    FROM per_table
    ORDER BY n_money DESC, n_ts DESC, oid
    LIMIT $1
)
SELECT n.nspname AS schema, r.relname AS "table",
       COALESCE(k.timestamp_columns, '{}') AS timestamp_columns, COALESCE(k.money_columns, '{}') AS money_columns,
       k.ts_columns, k.ts_tables, k.money_columns_total, k.money_tables, k.total
FROM ranked k
JOIN pg_catalog.pg_class r ON r.oid = k.oid
JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
ORDER BY k.n_money DESC, k.n_ts DESC, k.oid
