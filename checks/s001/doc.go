package s001

const doc = `Reads ` + "`pg_roles`" + ` (every role's attributes; readable by any role, the password column
always masked) and, with ` + "`pg_has_role(..., 'MEMBER')`" + `, who is a member, directly or through other
roles, of a superuser, of the predefined ` + "`pg_execute_server_program`, `pg_read_server_files`" + ` and
` + "`pg_write_server_files`" + `, and of the managed-service admin roles ` + "`rds_superuser`" + ` (Amazon RDS),
` + "`cloudsqlsuperuser`" + ` (Google Cloud SQL) and ` + "`azure_pg_admin`" + ` (Azure). Also the password expiry
(` + "`rolvaliduntil`" + `) of the login roles. The bootstrap superuser (oid 10, the role ` + "`initdb`" + `
created) is never listed. At most ` + "`max_roles`" + ` (200) roles are listed per statement; every figure
counts them all. No password, hash or setting value is read.

**How to read it.** Each finding lists roles that hold more power than an application
needs. "Member of" includes indirect membership, and on 16+ memberships granted ` + "`WITH SET FALSE`" + `
or ` + "`INHERIT FALSE`" + ` too: they are shown, since the grant is one ` + "`ALTER`" + ` away from working.

- **P2/P3** ` + "`S001/extra-superuser`" + `: superusers other than the bootstrap role, and non-superusers
  that are members of a superuser (` + "`SET ROLE`" + ` makes them one). P2 when one of them can log in;
  P3 when none can (a dormant superuser is hygiene). Fix: ` + "`ALTER ROLE r NOSUPERUSER;`" + ` or
  ` + "`REVOKE su FROM r;`" + `.
- **P2** ` + "`S001/server-file-access`" + `: non-superuser members of the server-file roles: a shell or
  file access as the server's operating-system user is as good as superuser. Fix: ` + "`REVOKE pg_execute_server_program FROM r;`" + `.
- **P2 (before 16) / P3 (16+)** ` + "`S001/createrole-login`" + `: login roles with ` + "`CREATEROLE`" + `. Before 16
  such a role may grant itself any non-superuser role, the server-file roles included, so it
  can become superuser-equivalent; from 16 it manages only roles it created or was given
  ` + "`ADMIN`" + ` on. Fix: ` + "`ALTER ROLE r NOCREATEROLE;`" + `.
- **P3** ` + "`S001/bypassrls-login`" + `: login roles with ` + "`BYPASSRLS`" + ` (row-level security does not apply).
- **info** ` + "`S001/replication-login`" + `: login roles with ` + "`REPLICATION`" + `: needed by standbys and
  backup tools, and able to copy every database; restrict them in ` + "`pg_hba.conf`" + `.
- **info** ` + "`S001/managed-admin-roles`" + `: the managed-service admin roles and their members, listed
  for what they are (the service's stand-in for superuser).
- **P3** ` + "`S001/no-password-expiry`" + `: when at least one login role has a ` + "`VALID UNTIL`" + `, the login
  roles without one (the bootstrap role aside). Expiry is a policy only some sites use, so
  it is judged only where the site uses it; it applies to password authentication only.
- **P2** ` + "`S001/password-expires-soon`" + `: a login role's password expires within
  ` + "`expiry_warning_days`" + ` (14): after that its application can no longer connect.
- **P3** ` + "`S001/password-expired`" + `: a login role whose password has expired (` + "`VALID UNTIL '-infinity'`" + ` shows as expired in 1970).

Severities: P1 is kept for what lets anyone in or up now (S003, S004); the roles here were
given their power, and an attacker needs their credentials first, hence P2 at most.

**Roles never used.** PostgreSQL records no last login, so this check cannot tell which roles
are unused and does not guess. Turn on ` + "`log_connections`" + ` (S005) and read the server log over a
few weeks; a role no connection names is a candidate for ` + "`NOLOGIN`" + ` and then ` + "`DROP ROLE`" + `.`
