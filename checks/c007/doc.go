package c007

const doc = `Reads every replication slot (` + "`pg_replication_slots`" + `: type, active, ` + "`wal_status`" + ` and
` + "`safe_wal_size`" + ` from 13, ` + "`inactive_since`" + ` from 17, WAL retained from ` + "`restart_lsn`" + ` to the
current position, ages of ` + "`xmin`" + ` and ` + "`catalog_xmin`" + `), and everything that holds back the
*xmin horizon*: backends with a transaction ID or snapshot (` + "`pg_stat_activity.backend_xid`" + ` /
` + "`backend_xmin`" + `; pid, application, user, state, no query text), prepared transactions
(` + "`pg_prepared_xacts`" + `: GID, owner), slots (` + "`xmin`" + `, ` + "`catalog_xmin`" + `) and standbys sending
` + "`hot_standby_feedback`" + ` without a slot (` + "`pg_stat_replication.backend_xmin`" + `), oldest first.

**How to read it.** Vacuum may only remove a dead row version when no transaction can
still see it, and may only freeze rows older than every snapshot still in use. The oldest
such transaction ID is the xmin horizon: whatever holds it explains why F003 shows dead
tuples that vacuum does not remove, and why F002's ages do not drop after a vacuum. A
backend or prepared transaction holds back vacuum in its own database (and in the shared
catalogs); slots and standby feedback hold back every database; a logical slot's ` + "`catalog_xmin`" + ` holds back
the system catalogs. A slot also keeps every WAL segment from its ` + "`restart_lsn`" + ` on: an
inactive slot fills the WAL disk, and with ` + "`max_slot_wal_keep_size`" + ` (13+) it is invalidated
instead (` + "`wal_status`" + ` *unreserved*, then *lost*). On a standby, retained WAL is measured
from the last received position.

**Findings and thresholds** (section ` + "`[checks.C007]`" + `):
- **P1** ` + "`C007/inactive-slot-retains-wal`" + `: an inactive slot retains more than
  ` + "`inactive_slot_wal_mb`" + ` (default 1024) MiB; **P3** ` + "`C007/inactive-slot`" + ` below that.
- **P2** ` + "`C007/slot-retains-wal`" + `: an active slot retains more than ` + "`active_slot_wal_mb`" + `
  (default 10240) MiB.
- **P1** ` + "`C007/slot-lost`" + `, ` + "`C007/slot-unreserved`" + `: the slot lost, or is about to lose, WAL it
  needs.
- ` + "`C007/xmin-held-by-backend`" + `, ` + "`-prepared-transaction`" + `, ` + "`-slot`" + `, ` + "`-standby`" + `: the holder is
  named (pid and application, GID, slot name, standby application). **P3** from
  ` + "`xmin_age_p3`" + ` (1,000,000) transactions or ` + "`xmin_seconds_p3`" + ` (3600) seconds open; **P2** from
  ` + "`xmin_age_p2`" + ` (10,000,000) or ` + "`xmin_seconds_p2`" + ` (86400); **P1** beyond ` + "`freeze_max_percent`" + `
  (100) of ` + "`autovacuum_freeze_max_age`" + `, where anti-wraparound vacuums cannot succeed.
  Only the ` + "`top_n`" + ` (20) oldest holders are listed; the others that reach a threshold
  are counted on the server by the same rule, in one finding per code and severity
  ("… in all; … are listed, … more are not"), so the summary counts every one.`
