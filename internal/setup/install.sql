-- pgcheckup setup: prepares the monitoring role for `pgcheckup run` without superuser.
-- Creates (or upgrades in place) the NOLOGIN role pgcheckup_owner and, in this database,
-- the schema pgcheckup with SECURITY DEFINER functions owned by it, that only the
-- monitoring role may execute. Re-running it is safe; `pgcheckup setup ROLE --uninstall`
-- removes it.
SET LOCAL search_path = pg_catalog, pg_temp;
GRANT pg_monitor TO @role@;
DO $setup$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pgcheckup_owner') THEN
    CREATE ROLE pgcheckup_owner NOLOGIN;
  END IF;
  -- An admin that is not a superuser (a managed service's) creates objects for the owner
  -- only as a member of it that may SET ROLE to it.
  IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    EXECUTE pg_catalog.format('GRANT pgcheckup_owner TO %I', current_user);
  END IF;
  -- A schema of that name owned by anyone else is not adopted: its objects would run in
  -- the monitoring session.
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
             WHERE n.nspname = 'pgcheckup' AND r.rolname <> 'pgcheckup_owner') THEN
    RAISE EXCEPTION 'schema pgcheckup exists and is not owned by pgcheckup_owner: inspect it, drop it, and run setup again';
  END IF;
  -- The owner reads pg_statistic and every sequence. From 14 on pg_read_all_data grants
  -- exactly SELECT on every relation; before 14 no predefined role does, so the owner is
  -- a superuser that cannot log in.
  IF pg_catalog.current_setting('server_version_num')::int >= 140000 THEN
    GRANT pg_read_all_data TO pgcheckup_owner;
  ELSE
    ALTER ROLE pgcheckup_owner SUPERUSER;
  END IF;
END
$setup$;
ALTER ROLE pgcheckup_owner NOLOGIN;
CREATE SCHEMA IF NOT EXISTS pgcheckup AUTHORIZATION pgcheckup_owner;
REVOKE ALL ON SCHEMA pgcheckup FROM PUBLIC;
GRANT USAGE ON SCHEMA pgcheckup TO @role@;

-- The version of these helpers: pgcheckup reads it from the catalog (never by calling
-- it) and says when the installed helpers are older than it expects.
CREATE OR REPLACE FUNCTION pgcheckup.helper_version() RETURNS int
LANGUAGE sql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $body$SELECT @version@$body$;

-- Per column of the given relations (tables, or indexes for expression columns): what
-- pg_stats shows as null_frac, avg_width and n_distinct, for every column, whatever the
-- caller may SELECT. No value of the table: no stakind slot (most common values,
-- histograms, correlation) is read.
CREATE OR REPLACE FUNCTION pgcheckup.column_stats(rels oid[])
RETURNS TABLE (relid oid, schemaname name, tablename name, attname name, attnum int2,
               inherited boolean, null_frac real, avg_width integer, n_distinct real)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $body$
SELECT c.oid, n.nspname, c.relname, a.attname, a.attnum,
       s.stainherit, s.stanullfrac, s.stawidth, s.stadistinct
FROM pg_catalog.pg_statistic s
JOIN pg_catalog.pg_class c ON c.oid = s.starelid
JOIN pg_catalog.pg_attribute a ON a.attrelid = s.starelid AND a.attnum = s.staattnum
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE s.starelid = ANY (rels) AND NOT a.attisdropped
$body$;

-- The given sequences as pg_sequences shows them, last_value included for sequences the
-- caller may not read. Another session's temporary sequences are left out, as there.
CREATE OR REPLACE FUNCTION pgcheckup.sequences(seqs oid[])
RETURNS TABLE (seqrelid oid, schemaname name, sequencename name, data_type regtype,
               last_value bigint, min_value bigint, max_value bigint, increment_by bigint,
               cycle boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $body$
SELECT c.oid, n.nspname, c.relname, s.seqtypid::pg_catalog.regtype,
       CASE WHEN pg_catalog.has_sequence_privilege(c.oid, 'SELECT,USAGE')
                 AND NOT (c.relpersistence = 'u' AND pg_catalog.pg_is_in_recovery())
            THEN pg_catalog.pg_sequence_last_value(c.oid) END,
       s.seqmin, s.seqmax, s.seqincrement, s.seqcycle
FROM pg_catalog.pg_sequence s
JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE s.seqrelid = ANY (seqs) AND NOT pg_catalog.pg_is_other_temp_schema(n.oid)
$body$;

ALTER FUNCTION pgcheckup.helper_version() OWNER TO pgcheckup_owner;
ALTER FUNCTION pgcheckup.column_stats(oid[]) OWNER TO pgcheckup_owner;
ALTER FUNCTION pgcheckup.sequences(oid[]) OWNER TO pgcheckup_owner;
REVOKE ALL ON FUNCTION pgcheckup.helper_version(), pgcheckup.column_stats(oid[]), pgcheckup.sequences(oid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgcheckup.helper_version(), pgcheckup.column_stats(oid[]), pgcheckup.sequences(oid[]) TO @role@;
