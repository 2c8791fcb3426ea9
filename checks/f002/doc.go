package f002

const doc = `Reads ` + "`age(datfrozenxid)`" + ` and ` + "`mxid_age(datminmxid)`" + ` of every database
(` + "`pg_database`" + ` is shared, so one connection sees them all), and for the connected
database the ages of every table, materialized view and TOAST table in one scan of
` + "`pg_class`" + `, with each one's effective ` + "`autovacuum_freeze_max_age`" + ` /
` + "`autovacuum_multixact_freeze_max_age`" + ` (the setting, or the table's smaller storage
parameter; a TOAST table without its own follows its owner's). pgcheckup ranks and counts
them itself; the oldest by ` + "`age(relfrozenxid)`" + ` and by ` + "`mxid_age(relminmxid)`" + ` (top
` + "`top_n`" + ` of each, TOAST tables named with their owner) are listed with their size, last
vacuum and whether a vacuum runs on them now. The overdue findings count every relation
past its freeze max age, listed or not.

**How to read it.** Transaction and multixact IDs are 32-bit counters compared modulo
2^31: a row version older than 2^31 IDs would suddenly look like it is in the future. Vacuum
prevents that by *freezing* old rows and advancing ` + "`relfrozenxid`" + `/` + "`relminmxid`" + `. When a
table's age passes its freeze max age, autovacuum starts an anti-wraparound vacuum on it
even if autovacuum is disabled for the table. When ages approach 2^31 the server warns
(at 40 million IDs left), then refuses to assign new IDs (3 million left) until a vacuum
has been done. Multixacts (row locks shared by several transactions, foreign-key checks)
wrap around the same way, and their members area can fill up earlier. Ages are shown as a
share of 2^31 and against the freeze max age.

**Findings and thresholds** (section ` + "`[checks.F002]`" + `):
- **P1** ` + "`F002/xid-wraparound`" + `, ` + "`F002/mxid-wraparound`" + `: a database's age is above
  ` + "`wraparound_percent`" + ` (default 50) of 2^31. With default settings autovacuum should keep
  ages near 200 million (about 10%); half the limit means it has failed for a long time.
- **P2** ` + "`F002/table-freeze-overdue`" + `, ` + "`F002/table-mxid-freeze-overdue`" + `: a table of the
  connected database is past ` + "`overdue_percent`" + ` (default 100) of its freeze max age, so the
  anti-wraparound autovacuum has not caught up; the finding gives the ` + "`VACUUM (FREEZE)`" + `
  statements.
- **P2** ` + "`F002/database-freeze-overdue`" + `: the same for another database (run F002 there to
  see its tables).

A vacuum cannot freeze rows that a still-running snapshot may need: when ages do not drop
after a vacuum, C007 shows what holds the xmin horizon. On a standby the ages are the
primary's and vacuum runs only there, so a standby whose primary is in the run takes the
primary's result; a standby checked alone runs the check.`
