/* pgcheckup H004 */
WITH RECURSIVE locked AS (
    -- pg_relation_size locks the index, pg_get_expr and pg_get_indexdef its table: behind
    -- an ACCESS EXCLUSIVE lock (held or awaited by another session) they would wait until
    -- lock_timeout, so they are not called for those relations
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), ix AS (
    SELECT i.indexrelid AS oid, i.indrelid, ic.relam, ic.relkind, ic.relpages,
           i.indnkeyatts AS nk,
           (i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1] AS keys,
           COALESCE((i.indkey::pg_catalog.int2[])[i.indnkeyatts:i.indnatts - 1], '{}') AS incl,
           (i.indclass::pg_catalog.oid[])[0:i.indnkeyatts - 1] AS opc,
           (i.indcollation::pg_catalog.oid[])[0:i.indnkeyatts - 1] AS coll,
           (i.indoption::pg_catalog.int2[])[0:i.indnkeyatts - 1] AS opt,
           i.indisunique AS uniq, i.indimmediate AS immediate, false AS nnd,
           i.indisclustered AS clustered, i.indisreplident AS replident,
           i.indpred IS NOT NULL AS partial,
           i.indrelid IN (SELECT relation FROM locked) AS table_locked,
           -- dropping an index that backs a constraint (its own, or a foreign key
           -- referencing it) or the replica identity is never proposed
           i.indisreplident OR EXISTS (
               SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid) AS protected,
           -- a partition's index attached to a partitioned index goes with its parent
           EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) AS attached
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
    WHERE i.indisvalid AND i.indisready AND i.indislive
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
), pair AS (
    SELECT a.oid AS drop_oid, b.oid AS keep_oid, a.indrelid, a.relpages, a.relkind, a.clustered, a.table_locked,
           a.nk = b.nk AND a.incl @> b.incl AND a.incl <@ b.incl AND a.uniq = b.uniq AS duplicate,
           b.nk AS keep_nk, b.uniq AS keep_uniq, pg_catalog.cardinality(b.incl) AS keep_incl, b.protected AS keep_protected,
           b.clustered AS keep_clustered
    FROM ix a
    JOIN ix b ON b.indrelid = a.indrelid AND b.oid <> a.oid AND b.relam = a.relam
    JOIN pg_catalog.pg_am am ON am.oid = a.relam
    WHERE NOT a.protected AND NOT a.attached
      AND a.nk <= b.nk
      -- key columns, operator classes, collations and ordering: a leading prefix,
      -- compared as numbers (never as text)
      AND a.keys = b.keys[1:a.nk] AND a.opc = b.opc[1:a.nk]
      AND a.coll = b.coll[1:a.nk] AND a.opt = b.opt[1:a.nk]
      -- only a btree serves a search on its leading columns alone
      AND (a.nk = b.nk OR am.amname = 'btree')
      AND a.incl <@ (b.keys || b.incl)
      AND a.partial = b.partial
      -- a unique index is only replaced by one enforcing the same uniqueness
      AND (NOT a.uniq OR (b.uniq AND a.nk = b.nk AND a.immediate = b.immediate AND a.nnd = b.nnd))
), checked AS (
    SELECT p.*
    FROM pair p
    JOIN pg_catalog.pg_index ai ON ai.indexrelid = p.drop_oid
    JOIN pg_catalog.pg_index bi ON bi.indexrelid = p.keep_oid
    WHERE CASE WHEN p.table_locked
               -- the table is locked: only what needs no pg_get_expr is compared, the
               -- others are named in not_compared below
               THEN ai.indpred IS NULL AND bi.indpred IS NULL AND ai.indexprs IS NULL
               ELSE pg_catalog.pg_get_expr(ai.indpred, ai.indrelid) IS NOT DISTINCT FROM pg_catalog.pg_get_expr(bi.indpred, bi.indrelid)
                 -- expressions: when the dropped index has any, the other's must be the same list
                 AND (ai.indexprs IS NULL
                      OR pg_catalog.pg_get_expr(ai.indexprs, ai.indrelid) = pg_catalog.pg_get_expr(bi.indexprs, bi.indrelid))
          END
      -- of two identical indexes, keep the one that backs a constraint, else the
      -- clustered one, else the older (lower OID)
      AND (NOT p.duplicate OR p.keep_protected
           OR (p.keep_clustered AND NOT p.clustered)
           OR (p.keep_clustered = p.clustered AND p.keep_oid < p.drop_oid))
), best AS (
    -- one keeper per dropped index: the widest, so that no keeper is itself dropped
    SELECT DISTINCT ON (drop_oid) *
    FROM checked
    ORDER BY drop_oid, keep_nk DESC, keep_incl DESC, keep_uniq DESC, keep_protected DESC, keep_clustered DESC, keep_oid
), ranked AS (
    SELECT best.*, pg_catalog.count(*) OVER () AS total
    FROM best
    ORDER BY relpages DESC, drop_oid
    LIMIT $1
), itree(root, relid) AS (
    -- a partitioned index and the indexes of its partitions
    SELECT o.oid, o.oid
    FROM ranked, LATERAL (VALUES (ranked.drop_oid), (ranked.keep_oid)) o(oid)
    WHERE ranked.relkind = 'I'
  UNION ALL
    SELECT itree.root, h.inhrelid
    FROM itree JOIN pg_catalog.pg_inherits h ON h.inhparent = itree.relid
), isize AS (
    SELECT root,
           pg_catalog.sum(CASE WHEN relid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(relid) END)::bigint AS bytes,
           pg_catalog.bool_or(relid IN (SELECT relation FROM locked)) AS locked
    FROM itree GROUP BY root
), not_compared AS (
    -- tables under a lock with candidate pairs whose predicates or expressions could not
    -- be compared
    SELECT pg_catalog.array_agg(n.nspname ORDER BY n.nspname, t.relname) AS schemas, pg_catalog.array_agg(t.relname ORDER BY n.nspname, t.relname) AS names
    FROM (SELECT DISTINCT p.indrelid
          FROM pair p
          JOIN pg_catalog.pg_index ai ON ai.indexrelid = p.drop_oid
          JOIN pg_catalog.pg_index bi ON bi.indexrelid = p.keep_oid
          WHERE p.table_locked AND NOT (ai.indpred IS NULL AND bi.indpred IS NULL AND ai.indexprs IS NULL)) u
    JOIN pg_catalog.pg_class t ON t.oid = u.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
)
SELECT n.nspname AS schema, t.relname AS "table",
       d.relname AS drop_index, k.relname AS keep_index, r.duplicate,
       CASE WHEN r.relkind = 'I' THEN dsz.bytes
            WHEN r.drop_oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.drop_oid) END AS drop_bytes,
       CASE WHEN r.relkind = 'I' THEN ksz.bytes
            WHEN r.keep_oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.keep_oid) END AS keep_bytes,
       ds.idx_scan AS drop_scans, ks.idx_scan AS keep_scans,
       r.relkind = 'I' AS partitioned, r.clustered,
       CASE WHEN NOT r.table_locked AND r.drop_oid NOT IN (SELECT relation FROM locked)
            THEN pg_catalog.pg_get_indexdef(r.drop_oid) END AS drop_def,
       CASE WHEN NOT r.table_locked AND r.keep_oid NOT IN (SELECT relation FROM locked)
            THEN pg_catalog.pg_get_indexdef(r.keep_oid) END AS keep_def,
       r.table_locked OR COALESCE(dsz.locked, false) OR COALESCE(ksz.locked, false)
           OR r.drop_oid IN (SELECT relation FROM locked) OR r.keep_oid IN (SELECT relation FROM locked) AS locked,
       CASE WHEN r.drop_oid IS NOT NULL
            THEN pg_catalog.format(CASE WHEN r.relkind = 'I' THEN 'DROP INDEX %I.%I;' ELSE 'DROP INDEX CONCURRENTLY %I.%I;' END,
                                   n.nspname, d.relname) END AS drop_statement,
       COALESCE(r.total, 0) AS total, nc.schemas AS not_compared_schemas, nc.names AS not_compared_tables
-- one row with only not_compared when no index is listed
FROM not_compared nc
LEFT JOIN (ranked r
    JOIN pg_catalog.pg_class d ON d.oid = r.drop_oid
    JOIN pg_catalog.pg_class k ON k.oid = r.keep_oid
    JOIN pg_catalog.pg_index di ON di.indexrelid = r.drop_oid
    JOIN pg_catalog.pg_class t ON t.oid = di.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN isize dsz ON dsz.root = r.drop_oid
    LEFT JOIN isize ksz ON ksz.root = r.keep_oid
    LEFT JOIN pg_catalog.pg_stat_all_indexes ds ON ds.indexrelid = r.drop_oid
    LEFT JOIN pg_catalog.pg_stat_all_indexes ks ON ks.indexrelid = r.keep_oid) ON true
ORDER BY r.relpages DESC, r.drop_oid
