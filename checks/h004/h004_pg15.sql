/* pgcheckup H004 */
-- The indexes that can replace or be replaced by another, with what the rules in rules.go
-- compare. An index can only be replaced by another index of its table that starts with
-- the same column and operator class (same keys, or a prefix) or, when it is a GIN index,
-- by another GIN index (an operator class belongs to one access method). The window counts
-- those groups in one in-memory sort of a sequential scan of pg_index (indrelid is cast so
-- that the planner does not read pg_index in index order instead, page by page at
-- random); only the indexes with a peer are returned (at 50,000 tables 22,000 of 161,000),
-- each with its pg_index and pg_class rows probed by oid. The keeper of each index is searched in Go
-- (keeper.go): per index in SQL that was a correlated subquery, ~30 us each.
WITH locked AS (
    -- pg_get_expr locks the table: behind an ACCESS EXCLUSIVE lock (held or awaited by
    -- another session) it would wait until lock_timeout, so it is not called for those
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), am AS MATERIALIZED (
    SELECT (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'btree') AS btree,
           (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'gist') AS gist,
           (SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname = 'gin') AS gin,
           -- BRIN's pages_per_range and an extension's options change what an index holds:
           -- for those, identical keys must also have identical options
           ARRAY(SELECT m.oid FROM pg_catalog.pg_am m WHERE m.amname IN ('btree', 'hash', 'gist', 'spgist', 'gin')) AS no_options,
           ARRAY(SELECT n.oid FROM pg_catalog.pg_namespace n
                 WHERE n.nspname IN ('pg_catalog', 'information_schema') OR n.nspname ~ '^pg_toast') AS system,
           ARRAY(SELECT oc.oid FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am m ON m.oid = oc.opcmethod
                 WHERE m.amname = 'gin') AS gin_classes,
           pg_catalog.current_setting('block_size')::pg_catalog.int8 AS block_size
), backing AS MATERIALIZED (
    -- the indexes a constraint needs: its own (primary key, unique, exclusion) and the
    -- unique index a foreign key references (conindid of the foreign key; the same as its
    -- dependency in pg_depend, the only one a constraint records on an index). One pass
    -- over pg_constraint, hashed once.
    SELECT k.conindid AS oid FROM pg_catalog.pg_constraint k WHERE k.conindid <> 0
), peers AS MATERIALIZED (
    SELECT s.oid
    FROM (SELECT i.indexrelid AS oid,
                 pg_catalog.count(*) OVER (PARTITION BY i.indrelid::pg_catalog.int8, g.gin,
                                                CASE WHEN g.gin THEN 0 ELSE i.indkey[0] END,
                                                CASE WHEN g.gin THEN 0 ELSE i.indclass[0] END) AS n
          FROM pg_catalog.pg_index i
          CROSS JOIN am
          CROSS JOIN LATERAL (SELECT i.indclass[0] = ANY (am.gin_classes) AS gin) g
          WHERE i.indisvalid AND i.indisready AND i.indislive) s
    -- the replica identity is kept (it can replace another index), never dropped
    WHERE s.n > 1
)
SELECT i.indexrelid AS oid, i.indrelid, i.indnkeyatts AS nk,
       i.indkey::pg_catalog.int2[] AS indkey,
       (i.indclass::pg_catalog.oid[])[0:i.indnkeyatts - 1] AS opc,
       (i.indcollation::pg_catalog.oid[])[0:i.indnkeyatts - 1] AS coll,
       (i.indoption::pg_catalog.int2[])[0:i.indnkeyatts - 1] AS opt,
       i.indisunique AS uniq, i.indimmediate AS immediate, i.indnullsnotdistinct AS nnd,
       i.indisclustered AS clustered, i.indisreplident AS replident,
       i.indexrelid IN (SELECT backing.oid FROM backing) AS backing,
       i.indpred IS NOT NULL AS has_pred, i.indexprs IS NOT NULL AS has_exprs,
       t.locked AS table_locked,
       -- as text, as the comparison needs them; not under a lock (see locked)
       CASE WHEN NOT t.locked THEN pg_catalog.pg_get_expr(i.indpred, i.indrelid) END AS pred,
       CASE WHEN NOT t.locked THEN pg_catalog.pg_get_expr(i.indexprs, i.indrelid) END AS exprs,
       -- may be dropped: a partition's index attached to a partitioned one goes with its
       -- parent, and the system schemas are left alone
       NOT i.relispartition AND i.relnamespace <> ALL (am.system) AS droppable,
       i.relkind = 'I' AS partitioned,
       i.relpages::pg_catalog.int8 * am.block_size AS bytes,
       CASE WHEN i.relam = am.btree THEN 'btree' WHEN i.relam = am.gist THEN 'gist' WHEN i.relam = am.gin THEN 'gin'
            WHEN i.relam = ANY (am.no_options) THEN 'plain' ELSE 'options' END AS method,
       CASE WHEN i.relam <> ALL (am.no_options) THEN i.reloptions END AS reloptions
FROM peers
CROSS JOIN am
-- probed by oid: peers is a small part of pg_index. pg_class is probed in the same
-- subquery: as a join of its own it got a Memoize node that never hits (~8% slower)
CROSS JOIN LATERAL (
    SELECT i.*, c.relispartition, c.relnamespace, c.relkind, c.relpages, c.relam, c.reloptions
    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
    WHERE i.indexrelid = peers.oid LIMIT 1) i
CROSS JOIN LATERAL (SELECT i.indrelid IN (SELECT relation FROM locked) AS locked) t
WHERE i.indisvalid AND i.indisready AND i.indislive
