/* pgcheckup G002 */
WITH a AS (
    SELECT state, datname, usename, application_name
    FROM pg_catalog.pg_stat_activity
    WHERE backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid()
), g AS (
    SELECT CASE WHEN GROUPING(state) = 0 THEN 'state'
                WHEN GROUPING(datname) = 0 THEN 'database'
                WHEN GROUPING(usename) = 0 THEN 'user'
                ELSE 'application' END AS dimension,
           CASE WHEN GROUPING(state) = 0 THEN state
                WHEN GROUPING(datname) = 0 THEN datname::text
                WHEN GROUPING(usename) = 0 THEN usename::text
                ELSE application_name END AS key,
           pg_catalog.count(*) AS sessions
    FROM a
    GROUP BY GROUPING SETS ((state), (datname), (usename), (application_name))
), r AS (
    SELECT g.*,
           pg_catalog.row_number() OVER (PARTITION BY dimension ORDER BY sessions DESC, key) AS rank,
           pg_catalog.count(*) OVER (PARTITION BY dimension) AS groups
    FROM g
)
SELECT dimension, key, sessions, groups
FROM r
WHERE rank <= $1
ORDER BY dimension, sessions DESC, key
