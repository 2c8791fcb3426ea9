/* pgcheckup F004 */
-- For a role that is not a superuser, when pg_stats hid some columns of the tables $1 and
-- the setup helpers are installed and trusted: null_frac and avg_width of their columns,
-- read through them (pgcheckup setup; docs/least-privilege.md). No value of the tables.
SELECT h.relid, h.attnum::int, h.null_frac::float8, h.avg_width::float8
FROM pgcheckup.column_stats($1::pg_catalog.oid[]) AS h
WHERE NOT h.inherited
