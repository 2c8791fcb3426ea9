/* pgcheckup A010 */
SELECT d.datname, d.checksum_failures, d.checksum_last_failure
FROM pg_catalog.pg_stat_database AS d
WHERE d.checksum_failures > 0
ORDER BY d.checksum_failures DESC, d.datname
LIMIT $1
