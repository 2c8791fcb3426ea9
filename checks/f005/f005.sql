/* pgcheckup F005 */
-- Inputs of the btree leaf-page estimate for the $2 largest valid btree indexes of at least
-- $1 bytes (ranked by relpages). Per index: relpages and reltuples, fillfactor, and per
-- index column the stored type's length and alignment (from the index's own pg_attribute,
-- which has the opclass storage type, e.g. cstring for name), and the pg_stats row that
-- describes it: the table column's, or for an expression the index's own. For a column
-- stored as cstring (name_ops keeps a name as its string, not 64 bytes), the average
-- length of the values its statistics hold (most common values by frequency, the
-- histogram for the rest), computed here so that no value leaves the server. The last
-- column counts all the indexes that pass the size floor (relpages only).
WITH cand AS (
  SELECT ci.oid, ci.relname AS idxname, ct.oid AS tbloid, ct.relname AS tblname, n.nspname,
         ci.relpages, ci.reltuples, ci.reloptions, i.indnatts, i.indnkeyatts, i.indisunique,
         i.indkey, i.indpred IS NOT NULL AS partial, ct.reltuples AS tbl_tuples, COALESCE(tt.relpages, 0) AS toast_pages,
         -- row_security_active() as pg_stats applies it: the owner is exempt unless forced.
         ct.relrowsecurity AND NOT u.rolsuper AND NOT u.rolbypassrls
           AND NOT (ct.relforcerowsecurity = false AND pg_catalog.pg_has_role(ct.relowner, 'USAGE')) AS rls_hides
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
  JOIN pg_catalog.pg_class ct ON ct.oid = i.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = ci.relnamespace
  CROSS JOIN (SELECT r.rolsuper, r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) u
  LEFT JOIN pg_catalog.pg_class tt ON tt.oid = ct.reltoastrelid
  WHERE ci.relkind = 'i'
    AND ci.relam = (SELECT a.oid FROM pg_catalog.pg_am a WHERE a.amname = 'btree')
    AND ci.relpersistence <> 't'
    AND i.indisvalid AND i.indisready
    AND ci.relpages >= (SELECT ($1::int8 + b.bs - 1) / b.bs FROM (SELECT pg_catalog.current_setting('block_size')::int8 AS bs) b)
  ORDER BY ci.relpages DESC, ci.oid
  LIMIT $2
), cols AS (
  SELECT c.oid, k.pos, ia.attlen, ia.atttypid, c.indkey[k.pos - 1] = 0 AS is_expr,
         CASE ia.attalign WHEN 'd' THEN 8 WHEN 'i' THEN 4 WHEN 's' THEN 2 ELSE 1 END AS align,
         CASE WHEN c.rls_hides THEN false
              WHEN c.indkey[k.pos - 1] = 0
              THEN pg_catalog.has_column_privilege(c.oid, k.pos::int2, 'SELECT')
              ELSE pg_catalog.has_column_privilege(c.tbloid, c.indkey[k.pos - 1], 'SELECT') END AS visible,
         COALESCE(ta.attlen = -1 AND ta.attstorage IN ('x', 'e'), false) AS toastable,
         s.avg_width, s.null_frac, s.n_distinct, s.cstring_width
  FROM cand c
  CROSS JOIN LATERAL pg_catalog.generate_series(1, c.indnatts::int) AS k(pos)
  JOIN pg_catalog.pg_attribute ia ON ia.attrelid = c.oid AND ia.attnum = k.pos
  LEFT JOIN LATERAL (
    SELECT ta.attname, ta.attlen, ta.attstorage FROM pg_catalog.pg_attribute ta
    WHERE ta.attrelid = c.tbloid AND ta.attnum = c.indkey[k.pos - 1] AND c.indkey[k.pos - 1] <> 0
    OFFSET 0
  ) ta ON true
  -- LATERAL with OFFSET 0, so that the pg_stats view (a security barrier) is searched by
  -- index per column of the candidates instead of being evaluated for the whole catalog.
  LEFT JOIN LATERAL (
    SELECT s.avg_width, s.null_frac, s.n_distinct,
           CASE WHEN ia.atttypid = 'pg_catalog.cstring'::pg_catalog.regtype THEN (
             -- rest: the share of the rows the histogram stands for
             SELECT CASE WHEN h.len IS NULL THEN m.len / NULLIF(m.freq, 0)
                         ELSE (COALESCE(m.len, 0) + h.rest * h.len) / NULLIF(COALESCE(m.freq, 0) + h.rest, 0) END
             FROM (SELECT pg_catalog.sum(pg_catalog.octet_length(u.v)::float8 * u.f) AS len, pg_catalog.sum(u.f::float8) AS freq
                   FROM ROWS FROM (pg_catalog.unnest(s.most_common_vals::pg_catalog.text::pg_catalog.text[]),
                                   pg_catalog.unnest(s.most_common_freqs)) AS u(v, f)) m,
             LATERAL (SELECT pg_catalog.avg(pg_catalog.octet_length(u.v))::float8 AS len,
                             GREATEST(1 - s.null_frac - COALESCE(m.freq, 0), 0) AS rest
                      FROM pg_catalog.unnest(s.histogram_bounds::pg_catalog.text::pg_catalog.text[]) AS u(v)) h
           ) END AS cstring_width
    FROM pg_catalog.pg_stats s
    WHERE s.schemaname = c.nspname AND NOT s.inherited
      AND s.tablename = CASE WHEN c.indkey[k.pos - 1] = 0 THEN c.idxname ELSE c.tblname END
      AND s.attname = CASE WHEN c.indkey[k.pos - 1] = 0 THEN ia.attname ELSE ta.attname END
    OFFSET 0
  ) s ON true
), percol AS (
  SELECT oid,
         pg_catalog.array_agg(attlen::int ORDER BY pos) AS lens,
         pg_catalog.array_agg(align ORDER BY pos) AS aligns,
         pg_catalog.array_agg(COALESCE(visible, false) ORDER BY pos) AS visible,
         pg_catalog.array_agg(avg_width IS NOT NULL ORDER BY pos) AS has_stats,
         pg_catalog.array_agg(COALESCE(avg_width, 0)::float8 ORDER BY pos) AS widths,
         pg_catalog.array_agg(COALESCE(null_frac, 0)::float8 ORDER BY pos) AS null_fracs,
         pg_catalog.array_agg(is_expr ORDER BY pos) AS is_expr,
         pg_catalog.array_agg(toastable ORDER BY pos) AS toastable,
         pg_catalog.array_agg(atttypid = 'pg_catalog.cstring'::pg_catalog.regtype ORDER BY pos) AS cstring,
         pg_catalog.array_agg(COALESCE(cstring_width, -1)::float8 ORDER BY pos) AS cstring_widths,
         pg_catalog.max(n_distinct) FILTER (WHERE pos = 1) AS lead_distinct
  FROM cols
  GROUP BY oid
)
SELECT c.oid, c.nspname, c.tblname, c.idxname, c.relpages::int8, c.reltuples::float8,
       c.tbl_tuples::float8, c.toast_pages::int8,
       COALESCE((SELECT pg_catalog.substring(o, '^fillfactor=([0-9]+)$')::int
                 FROM pg_catalog.unnest(c.reloptions) AS o
                 WHERE o LIKE 'fillfactor=%' LIMIT 1), 90) AS fillfactor,
       EXISTS (SELECT 1 FROM pg_catalog.unnest(c.reloptions) AS o
               WHERE o ~* '^deduplicate_items=(of|off|f|fa|fal|fals|false|n|no|0)$') AS dedup_off,
       c.partial, c.indisunique, c.indnatts::int, c.indnkeyatts::int,
       pg_catalog.current_setting('block_size')::int AS block_size,
       c.rls_hides, st.n_mod_since_analyze, p.lead_distinct::float8,
       COALESCE(p.lens, '{}'), COALESCE(p.aligns, '{}'), COALESCE(p.visible, '{}'),
       COALESCE(p.has_stats, '{}'), COALESCE(p.widths, '{}'), COALESCE(p.null_fracs, '{}'),
       COALESCE(p.is_expr, '{}'), COALESCE(p.toastable, '{}'), COALESCE(p.cstring, '{}'),
       COALESCE(p.cstring_widths, '{}'),
       -- The whole catalog is counted only when the list is full: a CASE evaluates the
       -- scan's subplan only if it takes that branch. pg_index is looked up per index over
       -- the size floor (LATERAL, OFFSET 0), not scanned whole.
       CASE WHEN (SELECT pg_catalog.count(*) FROM cand) < $2 THEN (SELECT pg_catalog.count(*) FROM cand) ELSE
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class a
        CROSS JOIN LATERAL (SELECT 1 FROM pg_catalog.pg_index i
                            WHERE i.indexrelid = a.oid AND i.indisvalid AND i.indisready OFFSET 0) i
        WHERE a.relkind = 'i' AND a.relpersistence <> 't'
          AND a.relam = (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'btree')
          AND a.relpages >= (SELECT ($1::int8 + b.bs - 1) / b.bs FROM (SELECT pg_catalog.current_setting('block_size')::int8 AS bs) b)) END AS total
FROM cand c
LEFT JOIN percol p ON p.oid = c.oid
LEFT JOIN LATERAL (
  SELECT s.n_mod_since_analyze FROM pg_catalog.pg_stat_all_tables s WHERE s.relid = c.tbloid OFFSET 0
) st ON true
ORDER BY c.relpages DESC, c.oid
