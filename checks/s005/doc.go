package s005

const doc = `Reads from ` + "`" + `pg_settings` + "`" + ` the settings that put statement texts into the server log
(` + "`" + `log_statement` + "`" + `, ` + "`" + `log_min_duration_statement` + "`" + `, ` + "`" + `log_min_duration_sample` + "`" + ` and
` + "`" + `log_statement_sample_rate` + "`" + ` (13+), ` + "`" + `log_transaction_sample_rate` + "`" + `, ` + "`" + `debug_print_parse` + "`" + `,
` + "`" + `debug_print_rewritten` + "`" + `, ` + "`" + `debug_print_plan` + "`" + `), those that record access (` + "`" + `log_connections` + "`" + `,
` + "`" + `log_disconnections` + "`" + `, ` + "`" + `log_line_prefix` + "`" + `) and who may read the log files (` + "`" + `logging_collector` + "`" + `,
` + "`" + `log_file_mode` + "`" + `), plus ` + "`" + `log_min_error_statement` + "`" + `; and the statement-logging settings set per role
or database (` + "`" + `pg_db_role_setting` + "`" + `, at most ` + "`" + `max_overrides` + "`" + `, 100). Any role can read them.

**How to read it.** A statement logged in full carries whatever it contains: the password of
` + "`" + `CREATE/ALTER ROLE ... PASSWORD '...'` + "`" + ` (DDL, so ` + "`" + `log_statement = 'ddl'` + "`" + ` already logs it, and ` + "`" + `mod` + "`" + `
and ` + "`" + `all` + "`" + ` include ` + "`" + `ddl` + "`" + `), the password option of ` + "`" + `CREATE USER MAPPING` + "`" + ` or ` + "`" + `dblink_connect` + "`" + `, and the
data in literals. Logs travel further than the database: log shippers, support tickets,
backups. ` + "`" + `log_min_duration_statement = 0` + "`" + ` logs every statement the same way; a positive threshold
rarely catches a quick ` + "`" + `ALTER ROLE` + "`" + `, so it is not flagged. Not flagged either, because it is
the default everywhere: ` + "`" + `log_min_error_statement = error` + "`" + ` logs the text of a statement that fails,
so a mistyped ` + "`" + `ALTER ROLE ... PASSWORD` + "`" + ` lands in the log; psql's ` + "`" + `\password` + "`" + ` avoids all of these, as
it sends only the SCRAM verifier. The session values are pgcheckup's: a value set for its own
role or database shows with source ` + "`" + `user` + "`" + ` or ` + "`" + `database` + "`" + `.

- **P2** ` + "`" + `S005/statements-logged` + "`" + `: ` + "`" + `log_statement` + "`" + ` is ` + "`" + `ddl` + "`" + `, ` + "`" + `mod` + "`" + ` or ` + "`" + `all` + "`" + `;
  ` + "`" + `log_min_duration_statement` + "`" + ` is 0; ` + "`" + `log_min_duration_sample` + "`" + ` is 0 with a sample rate above 0;
  ` + "`" + `log_transaction_sample_rate` + "`" + ` above 0; a ` + "`" + `debug_print_*` + "`" + ` setting on; or any of these set so for a
  role or database (` + "`" + `ALTER ROLE app SET log_statement = 'all'` + "`" + `). P2: secrets reach everyone who
  reads logs, but not anyone who can reach the server. Fix: ` + "`" + `ALTER SYSTEM SET log_statement = 'none';` + "`" + `
  with a duration threshold (` + "`" + `log_min_duration_statement = '1s'` + "`" + `), and ` + "`" + `\password` + "`" + `.
- **P3** ` + "`" + `S005/log-connections-off` + "`" + `: no record of who connected from where (failed
  authentication is logged anyway). From 18 ` + "`" + `log_connections` + "`" + ` takes a list of aspects; an empty
  list is off. Fix: ` + "`" + `ALTER SYSTEM SET log_connections = on;` + "`" + ` (and ` + "`" + `log_disconnections` + "`" + `).
- **P3** ` + "`" + `S005/log-files-world-readable` + "`" + `: with ` + "`" + `logging_collector` + "`" + ` on, ` + "`" + `log_file_mode` + "`" + ` lets every
  local user read the log files. Fix: ` + "`" + `log_file_mode = '0600'` + "`" + `.

` + "`" + `log_line_prefix` + "`" + ` is shown, not judged: with ` + "`" + `log_connections` + "`" + ` and ` + "`" + `%p` + "`" + ` (the default) a line can be
traced to its session, user and client.`
