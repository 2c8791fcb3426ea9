/* pgcheckup F004 */
-- Inputs of the heap bloat estimate for the $2 largest tables and materialized views of at
-- least $1 bytes (ranked by relpages, so nothing is computed for the others). Per table:
-- relpages and reltuples from the last VACUUM/ANALYZE, fillfactor, and per column (attnum
-- order, dropped columns included because they still occupy null-bitmap bits, and so are
-- virtual generated columns (18), stored as NULL): the type's length and alignment, whether
-- the role may see its pg_stats row, and avg_width/null_frac. The estimate itself is
-- computed by pgcheckup from these numbers. The last column counts all the tables that
-- pass the size floor, listed or not (relpages only: no size function is called).
WITH cand AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpages, c.reltuples, c.reloptions,
         COALESCE(t.relpages, 0) AS toast_pages,
         -- row_security_active() as pg_stats applies it: the owner is exempt unless forced.
         c.relrowsecurity AND NOT u.rolsuper AND NOT u.rolbypassrls
           AND NOT (c.relforcerowsecurity = false AND pg_catalog.pg_has_role(c.relowner, 'USAGE')) AS rls_hides
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN (SELECT r.rolsuper, r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) u
  LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
  WHERE c.relkind IN ('r', 'm')
    AND c.relpersistence <> 't'
    AND c.relam = (SELECT a.oid FROM pg_catalog.pg_am a WHERE a.amname = 'heap')
    AND c.relpages >= (SELECT ($1::int8 + b.bs - 1) / b.bs FROM (SELECT pg_catalog.current_setting('block_size')::int8 AS bs) b)
  ORDER BY c.relpages DESC, c.oid
  LIMIT $2
), cols AS (
  SELECT c.oid, a.attnum, a.attisdropped, a.attlen, a.attgenerated = 'v' AS is_virtual,
         CASE a.attalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END AS align,
         CASE WHEN a.attisdropped OR a.attgenerated = 'v' OR c.rls_hides THEN false
              ELSE pg_catalog.has_column_privilege(c.oid, a.attnum, 'SELECT') END AS visible,
         s.avg_width, s.null_frac
  FROM cand c
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  -- LATERAL with OFFSET 0, so that the pg_stats view (a security barrier) is searched by
  -- index per column of the candidates instead of being evaluated for the whole catalog.
  LEFT JOIN LATERAL (
    SELECT s.avg_width, s.null_frac FROM pg_catalog.pg_stats s
    WHERE s.schemaname = c.nspname AND s.tablename = c.relname AND s.attname = a.attname
      AND NOT s.inherited
    OFFSET 0
  ) s ON NOT a.attisdropped AND a.attgenerated <> 'v'
), percol AS (
  SELECT oid,
         pg_catalog.array_agg(attisdropped ORDER BY attnum) AS dropped,
         pg_catalog.array_agg(is_virtual ORDER BY attnum) AS is_virtual,
         pg_catalog.array_agg(attlen::int ORDER BY attnum) AS lens,
         pg_catalog.array_agg(align ORDER BY attnum) AS aligns,
         pg_catalog.array_agg(COALESCE(visible, false) ORDER BY attnum) AS visible,
         pg_catalog.array_agg(avg_width IS NOT NULL ORDER BY attnum) AS has_stats,
         pg_catalog.array_agg(COALESCE(avg_width, 0)::float8 ORDER BY attnum) AS widths,
         pg_catalog.array_agg(COALESCE(null_frac, 0)::float8 ORDER BY attnum) AS null_fracs
  FROM cols
  GROUP BY oid
)
SELECT c.oid, c.nspname, c.relname, c.relkind = 'm' AS matview,
       c.relpages::int8, c.reltuples::float8, c.toast_pages::int8,
       COALESCE((SELECT pg_catalog.substring(o, '^fillfactor=([0-9]+)$')::int
                 FROM pg_catalog.unnest(c.reloptions) AS o
                 WHERE o LIKE 'fillfactor=%' LIMIT 1), 100) AS fillfactor,
       pg_catalog.current_setting('block_size')::int AS block_size,
       c.rls_hides, st.n_mod_since_analyze,
       COALESCE(p.dropped, '{}'), COALESCE(p.lens, '{}'), COALESCE(p.aligns, '{}'),
       COALESCE(p.visible, '{}'), COALESCE(p.has_stats, '{}'), COALESCE(p.widths, '{}'),
       COALESCE(p.null_fracs, '{}'), COALESCE(p.is_virtual, '{}'),
       -- The whole catalog is counted only when the list is full: a CASE evaluates the
       -- scan's subplan only if it takes that branch.
       CASE WHEN (SELECT pg_catalog.count(*) FROM cand) < $2 THEN (SELECT pg_catalog.count(*) FROM cand) ELSE
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class a
        WHERE a.relkind IN ('r', 'm') AND a.relpersistence <> 't'
          AND a.relam = (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'heap')
          AND a.relpages >= (SELECT ($1::int8 + b.bs - 1) / b.bs FROM (SELECT pg_catalog.current_setting('block_size')::int8 AS bs) b)) END AS total
FROM cand c
LEFT JOIN percol p ON p.oid = c.oid
LEFT JOIN LATERAL (
  SELECT s.n_mod_since_analyze FROM pg_catalog.pg_stat_all_tables s WHERE s.relid = c.oid OFFSET 0
) st ON true
ORDER BY c.relpages DESC, c.oid
