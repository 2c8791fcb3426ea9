package k002

const doc = `The window's workload split by statement type: SELECT, SELECT ... FOR UPDATE/SHARE,
INSERT, UPDATE, DELETE, MERGE, COPY, DDL (CREATE, ALTER, DROP, GRANT, ...) and other utility
statements (VACUUM, SET, transaction control, EXPLAIN, CALL, DO, ...), with the entries,
calls, time (execution plus planning), rows and mean time of each type, per second of the
window, and each type's share of the calls and of the time (shares add up to 100%).

**How types are found.** From the parse tree of each statement's text (pg_query), not a
regular expression: a SELECT whose WITH clause modifies data counts as that modification,
SELECT INTO as DDL, a text of several statements by its first. The window, its source and
what could be attributed are as in K001; pgcheckup's own statements are left out.

**"unknown".** Texts are read only for the statements the workload checks can list (the
first 100 by each of their measures), so the long tail of rarely run or cheap statements,
other roles' statements the role may not see (without ` + "`pg_read_all_stats`" + `) and texts the
parser cannot read are counted as "unknown"; the data says how many entries are hidden and
how many have no usable text. Their calls and time are real, only their type is not known.

No findings: K002 describes the workload; K003 names the statements.`
