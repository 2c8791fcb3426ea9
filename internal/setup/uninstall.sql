-- pgcheckup setup --uninstall: drops what `pgcheckup setup` created in this database, and
-- the role pgcheckup_owner once it owns nothing in any database. The monitoring role and
-- its pg_monitor membership stay.
SET LOCAL search_path = pg_catalog, pg_temp;
DROP FUNCTION IF EXISTS pgcheckup.helper_version();
DROP FUNCTION IF EXISTS pgcheckup.column_stats(oid[]);
DROP FUNCTION IF EXISTS pgcheckup.sequences(oid[]);
-- RESTRICT: anything else put in the schema stops the uninstall rather than going with it.
DROP SCHEMA IF EXISTS pgcheckup RESTRICT;
DO $uninstall$
DECLARE
  owner_oid oid := (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'pgcheckup_owner');
BEGIN
  IF owner_oid IS NULL THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_shdepend d WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass
             AND d.refobjid = owner_oid AND d.deptype IN ('o', 'a', 'i')) THEN
    RAISE NOTICE 'pgcheckup_owner still owns helpers in another database: run the uninstall there too';
    RETURN;
  END IF;
  DROP ROLE pgcheckup_owner;
END
$uninstall$;
