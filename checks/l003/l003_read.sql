/* pgcheckup L003 */
-- The positions of one batch of sequences ($1, at most batch_size of them), and whether
-- the role may read them. Reading a sequence locks it until the transaction ends, and
-- this statement is its own transaction: a batch holds at most batch_size such locks,
-- whatever the catalog's size.
WITH locked AS (
    -- behind an ACCESS EXCLUSIVE lock (held or awaited by another session, e.g. ALTER
    -- SEQUENCE ... RENAME) the read would wait until lock_timeout, so it is skipped
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), batch AS (
    -- a sequence dropped since the list was read is left out here
    SELECT c.oid AS seq, c.oid IN (SELECT relation FROM locked) AS is_locked,
           pg_catalog.has_sequence_privilege(c.oid, 'SELECT, USAGE') AS visible,
           -- an unlogged sequence cannot be read on a standby
           c.relpersistence = 'u' AND pg_catalog.pg_is_in_recovery() AS unreadable
    FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS b(seq)
    JOIN pg_catalog.pg_class c ON c.oid = b.seq AND c.relkind = 'S'
)
SELECT seq, is_locked, visible, unreadable,
       CASE WHEN visible AND NOT is_locked AND NOT unreadable THEN pg_catalog.pg_sequence_last_value(seq) END AS last_value
FROM batch
