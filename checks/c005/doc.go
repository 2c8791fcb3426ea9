package c005

const doc = `Reads, in each database checked: its publications (` + "`pg_publication`" + `: all tables or a list,
which operations they publish, how many tables each publishes as the server expands it
in ` + "`pg_publication_tables`" + `, how many it names in ` + "`pg_publication_rel`" + `); the published
tables whose UPDATE or DELETE has no replica identity; its subscriptions (the columns of
` + "`pg_subscription`" + ` granted to every role, never ` + "`subconninfo`" + `, which may hold a password;
table states from ` + "`pg_subscription_rel`" + `; workers from ` + "`pg_stat_subscription`" + `; apply and
table-sync errors from ` + "`pg_stat_subscription_stats`" + ` on 15+, and the conflict counters on 18+);
and its logical slots (` + "`pg_replication_slots`" + `: active, ` + "`wal_status`" + ` from 13, WAL not yet
confirmed by the consumer and WAL retained). No privilege beyond the defaults is needed.

**Scope.** Publications, ` + "`pg_subscription_rel`" + ` and the tables are per database; subscriptions
and slots are cluster-wide catalogs but each belongs to one database, so each is reported
in the result of its own database (the others are only counted, so a run limited to one
database says what it did not look at). Before 14, ` + "`pg_subscription.oid`" + ` is not readable
without privileges, so a subscription is matched to its workers by name; when another
database has one of the same name the state is reported as unknown.

**How to read it.** A publication that publishes UPDATE or DELETE needs every table in it
to identify the old row: by its primary key (the default), a unique index named with
` + "`REPLICA IDENTITY USING INDEX`" + `, or the whole row (` + "`FULL`" + `). Without one, the *publisher*
refuses every UPDATE or DELETE on the table, an outage for the application, not just for
replication (partitions are judged one by one, as the statement runs against them). On the
subscriber, each enabled subscription has an apply worker; when the worker fails it exits
and restarts after ` + "`wal_retrieve_retry_interval`" + `, counting an error (15+). A disabled
subscription, or one whose worker does not run, leaves its slot on the publisher retaining
WAL: what slots retain and inactive slots are C007's findings (on the publisher), not
repeated here. On a standby, subscriptions are copies of the primary's catalog and run
no worker there: they are shown, not judged.

**Findings** (section ` + "`[checks.C005]`" + `):
- **P1** ` + "`C005/no-replica-identity`" + `: a table published for UPDATE or DELETE without a primary
  key or replica identity; the first ` + "`top_n`" + ` (default 20) are listed, the others counted in
  one finding.
- **P2** ` + "`C005/wal-level-not-logical`" + `: publications exist but ` + "`wal_level`" + ` is not ` + "`logical`" + `.
- **P2** ` + "`C005/subscription-disabled`" + `, ` + "`C005/subscription-worker-not-running`" + ` (enabled, no apply
  worker); **info** ` + "`C005/subscription-state-unknown`" + ` (12-13, see Scope).
- **P2** ` + "`C005/subscription-errors`" + `: apply or sync errors since the statistics reset (15+).
- **P3** ` + "`C005/subscription-conflicts`" + `: conflicts with local data (18+).`
