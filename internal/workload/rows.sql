/* pgcheckup K001 */
-- Every column of the installed extension version (1.7 to 1.12 and later), matched by
-- name in Go; showtext := false, so the server does not read the query-text file.
SELECT s.* FROM "@extschema@".pg_stat_statements(false) s
