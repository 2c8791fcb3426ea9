/* pgcheckup L003 */
-- For a role that is not a superuser, when it may not read some of the sequences $1 (one
-- batch) and the setup helpers are installed and trusted: their last_value, read through
-- them (pgcheckup setup; docs/least-privilege.md). Locked sequences are not read, as in
-- l003_read.sql.
WITH locked AS (
    SELECT l.relation
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
      AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()
), batch AS (
    SELECT c.oid AS seq, c.oid IN (SELECT relation FROM locked) AS is_locked
    FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS b(seq)
    JOIN pg_catalog.pg_class c ON c.oid = b.seq AND c.relkind = 'S'
)
SELECT b.seq, b.is_locked, h.last_value
FROM batch b
JOIN pgcheckup.sequences(ARRAY(SELECT x.seq FROM batch x WHERE NOT x.is_locked)) AS h ON h.seqrelid = b.seq
UNION ALL
SELECT b.seq, true, NULL FROM batch b WHERE b.is_locked
