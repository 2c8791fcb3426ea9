package s004

const doc = `Reads, in each database, from the catalogs every role can read: the schemas where PUBLIC
has CREATE (` + "`has_schema_privilege('public', ...)`" + `, so a missing ACL counts as the built-in
default); the SECURITY DEFINER functions and procedures PUBLIC may execute whose ` + "`proconfig`" + `
has no ` + "`search_path=`" + ` entry, with owner, whether the owner is a superuser and the extension
they belong to; tables with row-level security policies (` + "`pg_policy`" + `) whose row-level security
is disabled, or enabled but not forced; the default privileges (` + "`pg_default_acl`" + `) that grant to
PUBLIC; user mappings (` + "`pg_user_mappings`" + `) and whether one of their options is a password,
decided on the server as a boolean (` + "`EXISTS (SELECT FROM unnest(umoptions) o WHERE o LIKE 'password=%')`" + `):
the option values never leave the server; the installed extensions named in
` + "`risky_extensions`" + `; and untrusted procedural languages (other than ` + "`internal`" + ` and ` + "`c`" + `).
Each list stops at ` + "`top_n`" + ` (default 100); the counts cover everything.

**How to read it.** These are the privileges a role with nothing but a login looks for to
escalate. A schema everyone may create in (the default for ` + "`public`" + ` before PostgreSQL 15, and
kept by upgrades from those versions) lets any role plant objects that win name resolution for
other roles. A SECURITY DEFINER function runs as its owner; without a pinned ` + "`search_path`" + ` it
resolves unqualified names through the caller's, so the caller chooses what runs with the
owner's privileges (a pinned path that names a schema PUBLIC may write to is as unsafe:
read it together with ` + "`S004/public-create`" + `). Row-level security policies do nothing until
RLS is enabled on the table, and do not bind the table's owner unless forced. Default
privileges to PUBLIC grant every role access to objects not yet created (EXECUTE on functions
and USAGE on types are PUBLIC's by default and are listed but not findings). A user mapping's
password is stored in clear text in the catalog and written out by ` + "`pg_dump`" + `.
` + "`pg_user_mappings`" + ` hides the options of mappings that are not the role's own from roles that are
neither superusers nor the server's owner: S004 then says "unknown", never "no password".

**Findings** (` + "`[checks.S004]`" + `: ` + "`top_n`" + `, ` + "`risky_extensions`" + `, default ` + "`[\"dblink\", \"adminpack\"]`" + `;
severity: P1 lets a role escalate now, P2 weak but not open, P3 hygiene):
- **P1** ` + "`S004/secdef-search-path`" + `: PUBLIC-executable SECURITY DEFINER routines without a pinned
  search_path (fix: ` + "`ALTER FUNCTION f(args) SET search_path = pg_catalog, pg_temp;`" + `).
- **P1** ` + "`S004/user-mapping-password-public`" + `: a mapping FOR PUBLIC with a password (every role
  given USAGE on the server connects as the remote user). **P2** ` + "`S004/user-mapping-password`" + `:
  a mapping for one role with a password (fix: certificate or, on 18, ` + "`use_scram_passthrough`" + `,
  then ` + "`ALTER USER MAPPING ... OPTIONS (DROP password);`" + `). **Info** ` + "`S004/user-mapping-unknown`" + `.
- **P2** ` + "`S004/public-create`" + ` (fix: ` + "`REVOKE CREATE ON SCHEMA public FROM PUBLIC;`" + `),
  ` + "`S004/rls-disabled`" + ` (` + "`ALTER TABLE t ENABLE ROW LEVEL SECURITY;`" + `),
  ` + "`S004/default-grant-public-tables`" + ` (` + "`ALTER DEFAULT PRIVILEGES FOR ROLE r REVOKE ALL ON TABLES FROM PUBLIC;`" + `).
- **P3** ` + "`S004/rls-not-forced`" + ` (` + "`ALTER TABLE t FORCE ROW LEVEL SECURITY;`" + `),
  ` + "`S004/default-grant-public`" + ` (sequences, schemas, large objects), ` + "`S004/risky-extension`" + `
  (` + "`DROP EXTENSION dblink;`" + ` when unused), ` + "`S004/untrusted-language`" + `.`
