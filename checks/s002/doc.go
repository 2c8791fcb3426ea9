package s002

const doc = `Reads ` + "`password_encryption`" + `, ` + "`scram_iterations`" + ` (16+) and ` + "`md5_password_warnings`" + `
(18+) from ` + "`pg_settings`" + `; the values of ` + "`password_encryption`" + ` set per role or database
(` + "`pg_db_role_setting`" + `, at most ` + "`max_overrides`" + `, 100); and, only where pgcheckup's role may read
` + "`pg_authid`" + ` (superusers, or an explicit column grant), how many roles store an MD5 hash, a
SCRAM verifier or no password, with the names of the MD5 ones (at most ` + "`max_roles`" + `, 200). The
statement computes ` + "`starts_with(rolpassword, 'md5')`" + ` on the server: no password, hash or verifier
is ever sent to pgcheckup. Whether ` + "`pg_authid`" + ` is readable is asked first
(` + "`has_column_privilege`" + `), so a refused read never lands in the server log.

**How to read it.** An MD5 "password" in ` + "`pg_authid`" + ` is ` + "`md5(password || rolname)`" + `: fast to
brute-force, and usable as it is to log in wherever ` + "`pg_hba.conf`" + ` says ` + "`md5`" + ` (pass-the-hash). A
SCRAM-SHA-256 verifier is salted, iterated, and cannot be replayed. ` + "`password_encryption`" + ` decides
how passwords set from now on are stored; secrets stored before keep their format until the
password is set again. Before 14 the default was ` + "`md5`" + `; PostgreSQL 18 deprecates MD5 passwords.
The value of ` + "`password_encryption`" + ` is the one pgcheckup's session sees (source ` + "`user`" + ` or
` + "`database`" + `: set for pgcheckup's own role or database, so the server-wide value may differ; the
role and database values are listed too).

- **P2** ` + "`S002/password-encryption`" + `: ` + "`password_encryption`" + ` is not ` + "`scram-sha-256`" + `, or a role or
  database sets it to anything else. Fix: ` + "`ALTER SYSTEM SET password_encryption TO 'scram-sha-256';`" + `
  and ` + "`ALTER ROLE r RESET password_encryption;`" + `.
- **P2** ` + "`S002/md5-passwords`" + `: roles whose stored secret is MD5, counted and named (login roles
  first). Fix: set each password again under ` + "`scram-sha-256`" + ` (psql ` + "`\\password r`" + `), then move
  ` + "`pg_hba.conf`" + ` from ` + "`md5`" + ` to ` + "`scram-sha-256`" + `.
- **info** ` + "`S002/md5-unknown`" + `: pgcheckup's role cannot read ` + "`pg_authid`" + `; the hint gives the
  superuser's query and the column grant (which also hands the role every hash, so running as
  a superuser is the better choice). Never an all-clear.
- **P3** ` + "`S002/scram-iterations-low`" + `: ` + "`scram_iterations`" + ` (16+) below ` + "`min_scram_iterations`" + `
  (4096, the default).

P2 rather than P1: a weak storage format is exploitable once the hashes leak or are read,
not by anyone who can reach the server (that is S003's ` + "`trust`" + ` and ` + "`password`" + ` methods).
Passwords equal to the role name cannot be tested without the ` + "`md5()`" + ` function, which the SQL
audit does not allow; SCRAM verifiers cannot be tested at all.`
