/* pgcheckup L003 */
WITH locked AS (
    -- reading last_value locks the sequence: behind an ACCESS EXCLUSIVE lock (held or
    -- awaited by another session, e.g. ALTER SEQUENCE ... RENAME) it would wait until
    -- lock_timeout, so it is skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), fed AS (
    -- serial (OWNED BY: 'a') and identity ('i') sequences depend on their column
    SELECT d.objid AS seq, d.refobjid AS relid, d.refobjsubid AS attnum
    FROM pg_catalog.pg_depend d
    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
  UNION
    -- a DEFAULT nextval('seq') depends on the sequence, owned or not
    SELECT d.refobjid, ad.adrelid, ad.adnum
    FROM pg_catalog.pg_attrdef ad
    JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass
         AND d.objid = ad.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
), cand AS (
    SELECT fed.seq, fed.relid, fed.attnum, a.attname, a.attidentity <> '' AS is_identity,
           n.nspname, r.relname, GREATEST(r.reltuples, 0)::bigint AS reltuples,
           sn.nspname AS seq_schema, sc.relname AS seq_name,
           s.seqtypid, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
           pg_catalog.format_type(bt.oid, NULL) AS col_type,
           CASE WHEN bt.oid = 'pg_catalog.int2'::pg_catalog.regtype THEN -32768 ELSE -2147483648 END::bigint AS col_min,
           CASE WHEN bt.oid = 'pg_catalog.int2'::pg_catalog.regtype THEN 32767 ELSE 2147483647 END::bigint AS col_max,
           pg_catalog.has_sequence_privilege(sc.oid, 'SELECT, USAGE') AS visible,
           -- an unlogged sequence cannot be read on a standby
           sc.relpersistence = 'u' AND pg_catalog.pg_is_in_recovery() AS unreadable,
           sc.oid IN (SELECT relation FROM locked) AS seq_locked
    FROM fed
    JOIN pg_catalog.pg_class sc ON sc.oid = fed.seq AND sc.relkind = 'S'
    JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
    JOIN pg_catalog.pg_sequence s ON s.seqrelid = sc.oid
    JOIN pg_catalog.pg_class r ON r.oid = fed.relid
    JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
    -- inherited columns (partitions, inheritance children) share the parent's sequence
    JOIN pg_catalog.pg_attribute a ON a.attrelid = fed.relid AND a.attnum = fed.attnum
         AND NOT a.attisdropped AND a.attinhcount = 0
    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
    JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
    -- temporary sequences of other sessions cannot be read
    WHERE sc.relpersistence <> 't'
      AND bt.oid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
), numbered AS (
    -- Reading a sequence locks it until the end of the statement: read at most $2 of
    -- them, readable ones on the tables with the most rows for their column type first.
    SELECT cand.*,
           pg_catalog.row_number() OVER (ORDER BY visible AND NOT unreadable AND NOT seq_locked DESC,
                                                  (reltuples + 1)::float8 / col_max DESC, seq) AS rn
    FROM cand
), valued AS (
    SELECT numbered.*, rn <= $2 AND NOT unreadable AND NOT seq_locked AS read,
           CASE WHEN rn <= $2 AND visible AND NOT unreadable AND NOT seq_locked
                THEN pg_catalog.pg_sequence_last_value(seq) END AS last_value
    FROM numbered
), shared AS (
    -- the share of the column type's range used, in the sequence's direction, from
    -- where the sequence may start
    SELECT valued.*,
           CASE WHEN last_value IS NULL THEN NULL
                WHEN seqincrement > 0
                THEN 100.0 * (last_value - GREATEST(seqmin, col_min)) / (col_max - GREATEST(seqmin, col_min))
                ELSE 100.0 * (LEAST(seqmax, col_max) - last_value) / (LEAST(seqmax, col_max) - col_min)
           END::float8 AS used_pct
    FROM valued
)
SELECT nspname AS schema, relname AS "table", attname AS "column", col_type, is_identity, reltuples,
       seq_schema, seq_name, pg_catalog.format_type(seqtypid, NULL) AS seq_type,
       seqincrement, seqmin, seqmax, seqcycle, visible, read, seq_locked, last_value, used_pct,
       pg_catalog.format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE bigint;', nspname, relname, attname) AS alter_column,
       CASE WHEN NOT is_identity AND seqtypid <> 'pg_catalog.int8'::pg_catalog.regtype
            THEN pg_catalog.format('ALTER SEQUENCE %I.%I AS bigint;', seq_schema, seq_name) END AS alter_sequence,
       pg_catalog.format('GRANT SELECT ON SEQUENCE %I.%I TO %I;', seq_schema, seq_name, current_user) AS grant_sequence,
       pg_catalog.count(*) OVER () AS total,
       pg_catalog.count(*) FILTER (WHERE NOT visible) OVER () AS not_visible,
       pg_catalog.count(*) FILTER (WHERE visible AND NOT read AND NOT seq_locked) OVER () AS not_read,
       (SELECT pg_catalog.array_agg(v.seq_schema ORDER BY v.seq_schema, v.seq_name) FROM cand v WHERE v.seq_locked) AS locked_schemas,
       (SELECT pg_catalog.array_agg(v.seq_name ORDER BY v.seq_schema, v.seq_name) FROM cand v WHERE v.seq_locked) AS locked_names,
       pg_catalog.count(*) FILTER (WHERE read AND visible AND last_value IS NULL) OVER () AS unused,
       (SELECT pg_catalog.array_agg(DISTINCT pg_catalog.format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I;', v.seq_schema, current_user))
        FROM cand v WHERE NOT v.visible) AS grant_schemas
FROM shared
ORDER BY used_pct DESC NULLS LAST, visible DESC, reltuples DESC, seq
LIMIT $1
