package g002

const doc = `Reads ` + "`pg_stat_activity`" + ` (client backends only; pgcheckup's own session is left
out) and ` + "`pg_prepared_xacts`" + `, as aggregates: sessions by state, database, user and
application (the ` + "`top_n`" + ` largest groups of each), ` + "`max_connections`" + ` used, sessions idle in
transaction, and the single oldest idle-in-transaction session, transaction and running
query, identified by pid, user, application and database. Query texts and client
addresses are never read here (query texts belong to the query-analysis checks and their
privacy rules).

**How to read it.** Ordinary roles can use ` + "`max_connections`" + ` minus
` + "`superuser_reserved_connections`" + ` (and, from 16, ` + "`reserved_connections`" + `); the share shown is of
that. A session *idle in transaction* has begun a transaction and is waiting for its
client: it keeps its locks, and its snapshot holds back vacuum (C007 shows the xmin
horizon). A prepared transaction (two-phase commit) is the same but survives disconnects
and restarts until it is committed or rolled back by its GID. Needs pg_monitor (or
pg_read_all_stats): without it other roles' sessions show no state or times.

**Findings and thresholds** (section ` + "`[checks.G002]`" + `, ages in seconds):
- ` + "`G002/connections`" + `: **P2** at ` + "`connections_p2_percent`" + ` (80), **P1** at ` + "`connections_p1_percent`" + `
  (95) of the available connections.
- ` + "`G002/idle-in-transaction`" + `: **P3** sessions idle in transaction longer than
  ` + "`idle_in_transaction_p3_seconds`" + ` (60), **P2** longer than ` + "`idle_in_transaction_p2_seconds`" + `
  (3600).
- ` + "`G002/long-transaction`" + `: the oldest transaction is older than ` + "`long_transaction_p3_seconds`" + `
  (3600, **P3**) or ` + "`long_transaction_p2_seconds`" + ` (86400, **P2**); not repeated when it is
  the session already reported as idle in transaction.
- ` + "`G002/long-query`" + `: **P3** a query running longer than ` + "`long_query_p3_seconds`" + ` (3600).
- ` + "`G002/prepared-transaction`" + `: **P2** a prepared transaction older than
  ` + "`prepared_transaction_p2_seconds`" + ` (300); normal ones last milliseconds. The oldest
  ` + "`top_n`" + ` are named; the finding counts all of them.

Findings count what they stand for: the idle-in-transaction finding counts the sessions of
its severity (past the P2 limit when any is), and the sessions past only the P3 limit are
counted in a second finding of the same code, so the summary counts each session once.`
