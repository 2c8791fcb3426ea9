/* pgcheckup G003 */
SELECT name, setting
FROM pg_catalog.pg_file_settings
WHERE name = ANY($1::text[]) AND applied AND error IS NULL
ORDER BY seqno
