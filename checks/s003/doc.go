package s003

const doc = `Reads, on every node, ` + "`ssl`" + ` and ` + "`listen_addresses`" + `; the lines of pg_hba.conf worth a look from
` + "`pg_hba_file_rules`" + ` (the file as it is on disk now: line, type, databases, roles, address, method and
the error of a line that does not parse; never the options, which can hold an LDAP or RADIUS
secret), only those with the methods ` + "`trust`" + `, ` + "`password`" + ` or ` + "`ident`" + `, an address open to
everyone, or an error (` + "`top_n_rules`" + `, default 200); and the sessions connected right now from
another machine without SSL (` + "`pg_stat_activity`" + ` joined to ` + "`pg_stat_ssl`" + `), grouped by role,
database and address (` + "`top_n_sessions`" + ` groups, default 50).

**What it needs.** ` + "`pg_hba_file_rules`" + ` is for superusers unless both the view and its
function are granted: ` + "`GRANT SELECT ON pg_catalog.pg_hba_file_rules TO monitor; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO monitor;`" + `
(the same on 12 to 18). Without them the rules are "unknown" (` + "`S003/hba-unreadable`" + `, info), never
"all clear". Other roles' client addresses need ` + "`pg_read_all_stats`" + ` (in ` + "`pg_monitor`" + `); without it
the sessions S003 cannot see are counted (` + "`S003/sessions-unknown`" + `, info).

**How to read it.** Addresses are judged by what they admit: *local* (` + "`local`" + ` lines, loopback
addresses, ` + "`samehost`" + `, ` + "`localhost`" + `), *any* (` + "`all`" + `, ` + "`0.0.0.0/0`" + `, ` + "`::/0`" + `) or *network*
(anything else, host names and ` + "`samenet`" + ` included). The file on disk may differ from the rules the
server enforces when it was edited without a reload (or a reload failed on an error). A
managed service may not show its real access rules here. Addresses, host names, roles and
databases are names in the report: ` + "`--anonymize`" + ` replaces them and masking rules apply.
Sessions from loopback or the Unix socket are not counted: the traffic stays on the machine.

**Findings** (severity: P1 lets anyone in now; P2 weak but not open; P3 hygiene):
- **P1** ` + "`S003/trust-remote`" + `: ` + "`trust`" + ` from addresses other than this machine's.
- **P2** ` + "`S003/trust-local`" + `: ` + "`trust`" + ` on the Unix socket or loopback (every OS user on the server
  is any role); ` + "`S003/password-cleartext`" + `: the ` + "`password`" + ` method from the network on ` + "`host`" + `/` + "`hostnossl`" + `
  lines; ` + "`S003/ident-over-tcp`" + `: ` + "`ident`" + ` from the network; ` + "`S003/all-from-anywhere`" + `: every database or
  every role from every address (not ` + "`reject`" + `); ` + "`S003/hba-errors`" + `: lines with errors;
  ` + "`S003/ssl-off`" + `: ` + "`ssl`" + ` off while ` + "`listen_addresses`" + ` names more than loopback (off on a server
  that only listens locally is no finding); ` + "`S003/sessions-without-ssl`" + `: sessions from other
  machines without SSL now (the count is the sessions).
- **P3** ` + "`S003/password-method`" + `: ` + "`password`" + ` over SSL/GSS or locally; ` + "`S003/from-anywhere`" + `: named
  databases and roles from every address; ` + "`S003/rules-unlisted`" + `: flagged lines beyond ` + "`top_n_rules`" + `.
Each finding gives the line numbers and the line as the server read it, and the fix
(` + "`scram-sha-256`" + `, ` + "`hostssl`" + `, narrower addresses, then ` + "`SELECT pg_catalog.pg_reload_conf();`" + `).`
