/* pgcheckup H004 */
-- Each index is compared only with the other indexes of its own table, reached through
-- pg_index's index on indrelid in LATERAL subqueries with a LIMIT (which the planner
-- cannot flatten into a join): nested loops over catalog indexes, no sort or hash over a
-- whole catalog, so nothing spills to temporary files at tens of thousands of tables.
WITH RECURSIVE locked AS (
    -- pg_relation_size locks the index, pg_get_expr and pg_get_indexdef its table: behind
    -- an ACCESS EXCLUSIVE lock (held or awaited by another session) they would wait until
    -- lock_timeout, so they are not called for those relations
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), am AS MATERIALIZED (
    -- the access methods with rules of their own; the other ones compare identical keys only
    SELECT (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'btree') AS btree,
           (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'gist') AS gist,
           (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'gin') AS gin,
           -- BRIN's pages_per_range and an extension's options change what an index holds:
           -- for those, identical keys must also have identical options
           ARRAY(SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname IN ('btree', 'hash', 'gist', 'spgist', 'gin')) AS no_options,
           ARRAY(SELECT n.oid FROM pg_catalog.pg_namespace n
                 WHERE n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname ~ '^pg_toast') AS system,
           ARRAY(SELECT oc.oid FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am m ON m.oid = oc.opcmethod
                 WHERE m.amname = 'gin') AS gin_classes
), backing AS MATERIALIZED (
    -- the indexes a constraint needs: its own (primary key, unique, exclusion) and the
    -- unique index a foreign key references (conindid of the foreign key; the same as its
    -- dependency in pg_depend, the only one a constraint records on an index). One pass
    -- over pg_constraint, hashed once, instead of two probes per compared index.
    SELECT k.conindid AS oid FROM pg_catalog.pg_constraint k WHERE k.conindid <> 0
), peers AS MATERIALIZED (
    -- A cheap necessary condition first, in one narrow pass over pg_index: an index can
    -- only be replaced by another index of its table that starts with the same column and
    -- operator class (same keys, or a prefix) or, when it is a GIN index, by another GIN
    -- index (an operator class belongs to one access method). The window counts those
    -- groups in one in-memory sort of a sequential scan (indrelid is cast so that the
    -- planner does not read pg_index in index order instead, page by page at random); only
    -- the indexes with a peer get the probes and the comparisons below (at 50,000 tables
    -- 22,000 of 161,000 indexes).
    SELECT s.oid
    FROM (SELECT i.indexrelid AS oid, i.indisreplident,
                 pg_catalog.count(*) OVER (PARTITION BY i.indrelid::pg_catalog.int8, g.gin,
                                                CASE WHEN g.gin THEN 0 ELSE i.indkey[0] END,
                                                CASE WHEN g.gin THEN 0 ELSE i.indclass[0] END) AS n
          FROM pg_catalog.pg_index i
          CROSS JOIN am
          CROSS JOIN LATERAL (SELECT i.indclass[0] = ANY (am.gin_classes) AS gin) g
          WHERE i.indisvalid AND i.indisready AND i.indislive) s
    WHERE s.n > 1 AND NOT s.indisreplident
), a AS (
    -- every valid index outside the system schemas; whether a constraint needs it is
    -- looked up below, only for the indexes that another index can replace
    SELECT i.indexrelid AS oid, i.indrelid, c.relkind, c.relpages, c.relam,
           i.indnkeyatts AS nk,
           (i.indkey::pg_catalog.int2[])[0:i.indnkeyatts - 1] AS keys,
           COALESCE((i.indkey::pg_catalog.int2[])[i.indnkeyatts:i.indnatts - 1], '{}') AS incl,
           (i.indclass::pg_catalog.oid[])[0:i.indnkeyatts - 1] AS opc,
           (i.indcollation::pg_catalog.oid[])[0:i.indnkeyatts - 1] AS coll,
           (i.indoption::pg_catalog.int2[])[0:i.indnkeyatts - 1] AS opt,
           i.indisunique AS uniq, i.indimmediate AS immediate, false AS nnd,
           i.indisclustered AS clustered, i.indpred, i.indexprs,
           i.indrelid IN (SELECT relation FROM locked) AS table_locked
    FROM peers
    -- probed by oid: peers is a small part of pg_index
    CROSS JOIN LATERAL (SELECT i.* FROM pg_catalog.pg_index i WHERE i.indexrelid = peers.oid LIMIT 1) i
    CROSS JOIN am
    CROSS JOIN LATERAL (
        SELECT c.relkind, c.relpages, c.relam
        FROM pg_catalog.pg_class c
        WHERE c.oid = i.indexrelid AND NOT c.relispartition AND c.relnamespace <> ALL (am.system)
        LIMIT 1) c
    WHERE i.indisvalid AND i.indisready AND i.indislive AND NOT i.indisreplident
), cand AS (
    -- each index that can be dropped, with its keeper: the widest index that serves all
    -- its uses. Not proposed: an index backing a constraint (its own, or a foreign key
    -- referencing it), the replica identity, and a partition's index attached to a
    -- partitioned one (it goes with its parent).
    SELECT a.oid AS drop_oid, k.keep_oid, a.indrelid, a.relpages, a.relkind, a.clustered, a.table_locked,
           k.duplicate, k.rule, k.compared
    FROM a
    CROSS JOIN am
    CROSS JOIN LATERAL (
        SELECT b.indexrelid AS keep_oid, r.rule,
               r.rule = 'same-keys' AND a.incl @> bk.incl AND a.incl <@ bk.incl AND a.uniq = b.indisunique AS duplicate,
               CASE WHEN a.table_locked THEN a.indpred IS NULL AND b.indpred IS NULL AND a.indexprs IS NULL ELSE true END AS compared,
               a.oid IN (SELECT backing.oid FROM backing) AS drop_protected
        FROM pg_catalog.pg_index b
        CROSS JOIN LATERAL (
            SELECT (b.indkey::pg_catalog.int2[])[0:b.indnkeyatts - 1] AS keys,
                   COALESCE((b.indkey::pg_catalog.int2[])[b.indnkeyatts:b.indnatts - 1], '{}') AS incl,
                   (b.indclass::pg_catalog.oid[])[0:b.indnkeyatts - 1] AS opc,
                   (b.indcollation::pg_catalog.oid[])[0:b.indnkeyatts - 1] AS coll,
                   (b.indoption::pg_catalog.int2[])[0:b.indnkeyatts - 1] AS opt,
                   b.indisreplident OR b.indexrelid IN (SELECT backing.oid FROM backing) AS protected) bk
        CROSS JOIN LATERAL (
            -- the rule by which b serves every use of a; key columns, operator classes,
            -- collations and ordering are compared as numbers, never as text. An operator
            -- class belongs to one access method, so equal classes mean the same method.
            SELECT CASE
                WHEN a.nk = b.indnkeyatts AND a.keys = bk.keys AND a.opc = bk.opc AND a.coll = bk.coll AND a.opt = bk.opt
                     AND (a.relam = ANY (am.no_options)
                          OR (SELECT ac.reloptions FROM pg_catalog.pg_class ac WHERE ac.oid = a.oid)
                               IS NOT DISTINCT FROM (SELECT bc.reloptions FROM pg_catalog.pg_class bc WHERE bc.oid = b.indexrelid))
                    THEN 'same-keys'
                -- a btree or GiST index serves a search on its leading columns
                WHEN a.nk < b.indnkeyatts AND a.keys = bk.keys[1:a.nk]
                     AND a.opc = bk.opc[1:a.nk] AND a.coll = bk.coll[1:a.nk] AND a.opt = bk.opt[1:a.nk]
                     AND a.relam IN (am.btree, am.gist)
                    THEN CASE WHEN a.relam = am.btree
                              THEN 'btree-prefix' ELSE 'gist-prefix' END
                -- a GIN index serves a search on any subset of its columns: each plain
                -- column of a, with its operator class and collation, is one of b's, and
                -- a's expression columns (compared as text below) have b's classes in order
                WHEN a.nk <= b.indnkeyatts AND a.relam = am.gin
                     AND NOT EXISTS (
                         SELECT 1 FROM ROWS FROM (pg_catalog.unnest(a.keys), pg_catalog.unnest(a.opc), pg_catalog.unnest(a.coll)) u(k, o, c)
                         WHERE u.k <> 0 AND NOT EXISTS (
                             SELECT 1 FROM ROWS FROM (pg_catalog.unnest(bk.keys), pg_catalog.unnest(bk.opc), pg_catalog.unnest(bk.coll)) v(k, o, c)
                             WHERE v.k = u.k AND v.o = u.o AND v.c = u.c))
                     AND (a.indexprs IS NULL OR (
                         ARRAY(SELECT u.o FROM ROWS FROM (pg_catalog.unnest(a.keys), pg_catalog.unnest(a.opc)) WITH ORDINALITY u(k, o, n) WHERE u.k = 0 ORDER BY u.n)
                           = ARRAY(SELECT v.o FROM ROWS FROM (pg_catalog.unnest(bk.keys), pg_catalog.unnest(bk.opc)) WITH ORDINALITY v(k, o, n) WHERE v.k = 0 ORDER BY v.n)
                         AND ARRAY(SELECT u.c FROM ROWS FROM (pg_catalog.unnest(a.keys), pg_catalog.unnest(a.coll)) WITH ORDINALITY u(k, c, n) WHERE u.k = 0 ORDER BY u.n)
                           = ARRAY(SELECT v.c FROM ROWS FROM (pg_catalog.unnest(bk.keys), pg_catalog.unnest(bk.coll)) WITH ORDINALITY v(k, c, n) WHERE v.k = 0 ORDER BY v.n)))
                    THEN 'gin-subset'
            END AS rule,
            -- of two indexes that serve each other (GIN: the same columns in another order), one is kept
            a.nk = b.indnkeyatts AND a.incl @> bk.incl AND a.incl <@ bk.incl AND a.uniq = b.indisunique
              -- the same columns in the same order need no search (the usual duplicate)
              AND ((a.keys = bk.keys AND a.opc = bk.opc AND a.coll = bk.coll) OR NOT EXISTS (
                  SELECT 1 FROM ROWS FROM (pg_catalog.unnest(bk.keys), pg_catalog.unnest(bk.opc), pg_catalog.unnest(bk.coll)) v(k, o, c)
                  WHERE v.k <> 0 AND NOT EXISTS (
                      SELECT 1 FROM ROWS FROM (pg_catalog.unnest(a.keys), pg_catalog.unnest(a.opc), pg_catalog.unnest(a.coll)) u(k, o, c)
                      WHERE u.k = v.k AND u.o = v.o AND u.c = v.c))) AS equivalent) r
        WHERE b.indrelid = a.indrelid AND b.indexrelid <> a.oid
          AND b.indisvalid AND b.indisready AND b.indislive
          -- peers only (see peers), before anything is computed for b
          AND (a.relam = am.gin OR (b.indkey[0] = a.keys[1] AND b.indclass[0] = a.opc[1]))
          AND r.rule IS NOT NULL
          AND a.incl <@ (bk.keys || bk.incl)
          AND (a.indpred IS NULL) = (b.indpred IS NULL)
          -- a unique index is only replaced by one enforcing the same uniqueness
          AND (NOT a.uniq OR (b.indisunique AND a.nk = b.indnkeyatts AND a.immediate = b.indimmediate
                              AND NOT a.nnd))
          AND CASE WHEN a.table_locked
                   -- the table is locked: what needs pg_get_expr is not compared (compared
                   -- is false), and the table is named in not_compared below
                   THEN true
                   ELSE pg_catalog.pg_get_expr(a.indpred, a.indrelid) IS NOT DISTINCT FROM pg_catalog.pg_get_expr(b.indpred, b.indrelid)
                     -- expressions: when the dropped index has any, the other's must be the same list
                     AND (a.indexprs IS NULL
                          OR pg_catalog.pg_get_expr(a.indexprs, a.indrelid) = pg_catalog.pg_get_expr(b.indexprs, b.indrelid))
              END
          -- of two equivalent indexes, keep the one that backs a constraint, else the
          -- clustered one, else the older (lower OID)
          AND (NOT r.equivalent OR bk.protected
               OR (b.indisclustered AND NOT a.clustered)
               OR (b.indisclustered = a.clustered AND b.indexrelid < a.oid))
        -- the widest keeper, so that no keeper is itself dropped
        ORDER BY compared DESC, b.indnkeyatts DESC, pg_catalog.cardinality(bk.incl) DESC, b.indisunique DESC,
                 bk.protected DESC, b.indisclustered DESC, b.indexrelid
        LIMIT 1) k
    WHERE NOT k.drop_protected
), ranked AS (
    SELECT c.*
    FROM cand c
    WHERE c.compared
    ORDER BY c.relpages DESC, c.drop_oid
    LIMIT $1
), totals AS (
    -- how many indexes are not listed, by the severity analyze() gives: by relpages (a
    -- partitioned index has none of its own, so it counts as small); a GiST prefix is a
    -- level lower because the saving is uncertain
    SELECT pg_catalog.count(*) AS total,
           pg_catalog.count(*) FILTER (WHERE unlisted AND big AND NOT uncertain) AS p2,
           pg_catalog.count(*) FILTER (WHERE unlisted AND big = uncertain) AS p3,
           pg_catalog.count(*) FILTER (WHERE unlisted AND uncertain AND NOT big) AS info
    FROM (SELECT c.drop_oid NOT IN (SELECT drop_oid FROM ranked) AS unlisted,
                 c.rule = 'gist-prefix' AS uncertain,
                 c.relpages::pg_catalog.int8 * pg_catalog.current_setting('block_size')::pg_catalog.int8 >= $2 AS big
          FROM cand c WHERE c.compared) s
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
    -- tables under a lock with an index whose predicate or expressions could not be
    -- compared with another's
    SELECT pg_catalog.array_agg(n.nspname ORDER BY n.nspname, t.relname) AS schemas, pg_catalog.array_agg(t.relname ORDER BY n.nspname, t.relname) AS names
    FROM (SELECT DISTINCT c.indrelid FROM cand c WHERE NOT c.compared) u
    JOIN pg_catalog.pg_class t ON t.oid = u.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
)
SELECT n.nspname AS schema, t.relname AS "table",
       d.relname AS drop_index, k.relname AS keep_index, r.duplicate, r.rule,
       CASE WHEN r.relkind = 'I' THEN dsz.bytes
            WHEN r.drop_oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.drop_oid) END AS drop_bytes,
       CASE WHEN r.relkind = 'I' THEN ksz.bytes
            WHEN r.keep_oid NOT IN (SELECT relation FROM locked) THEN pg_catalog.pg_relation_size(r.keep_oid) END AS keep_bytes,
       -- what pg_stat_all_indexes.idx_scan shows, without reading the view for every index
       pg_catalog.pg_stat_get_numscans(r.drop_oid) AS drop_scans, pg_catalog.pg_stat_get_numscans(r.keep_oid) AS keep_scans,
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
       tot.total::int, tot.p2::int AS unlisted_p2, tot.p3::int AS unlisted_p3, tot.info::int AS unlisted_info,
       nc.schemas AS not_compared_schemas, nc.names AS not_compared_tables
-- one row with only the totals and not_compared when no index is listed
FROM not_compared nc
CROSS JOIN totals tot
LEFT JOIN (ranked r
    JOIN pg_catalog.pg_class d ON d.oid = r.drop_oid
    JOIN pg_catalog.pg_class k ON k.oid = r.keep_oid
    JOIN pg_catalog.pg_class t ON t.oid = r.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN isize dsz ON dsz.root = r.drop_oid
    LEFT JOIN isize ksz ON ksz.root = r.keep_oid) ON true
ORDER BY r.relpages DESC, r.drop_oid
