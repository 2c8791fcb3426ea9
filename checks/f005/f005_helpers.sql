/* pgcheckup F005 */
-- For a role that is not a superuser, when pg_stats hid some columns of the indexes $1 and
-- the setup helpers are installed and trusted: per index column, null_frac, avg_width and
-- n_distinct of the table column it indexes (or of the expression, kept with the index),
-- read through them (pgcheckup setup; docs/least-privilege.md). No value of the tables:
-- a name column's average string length, which f005.sql takes from the most common values
-- and histogram, is not available this way.
WITH idx AS (
  SELECT i.indexrelid, i.indrelid, i.indnatts, i.indkey
  FROM pg_catalog.pg_index i
  WHERE i.indexrelid = ANY ($1::pg_catalog.oid[])
), h AS (
  SELECT s.relid, s.attnum, s.null_frac, s.avg_width, s.n_distinct
  FROM pgcheckup.column_stats(ARRAY(SELECT x.indexrelid FROM idx x UNION SELECT x.indrelid FROM idx x)) AS s
  WHERE NOT s.inherited
)
SELECT x.indexrelid, k.pos, h.null_frac::float8, h.avg_width::float8, h.n_distinct::float8
FROM idx x
CROSS JOIN LATERAL pg_catalog.generate_series(1, x.indnatts::int) AS k(pos)
JOIN h ON CASE WHEN x.indkey[k.pos - 1] = 0 THEN h.relid = x.indexrelid AND h.attnum = k.pos
               ELSE h.relid = x.indrelid AND h.attnum = x.indkey[k.pos - 1] END
