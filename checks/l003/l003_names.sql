/* pgcheckup L003 */
-- Names and row estimates of the columns the listing may show ($1 sequences, $2 tables,
-- $3 column numbers: the top_n fullest, those tied with the last of them, and the
-- locked sequences), each looked up by oid through the catalogs' indexes. NULL: dropped
-- since it was read.
SELECT p.seq, p.relid, p.attnum::pg_catalog.int4 AS attnum,
       (SELECT n.nspname FROM pg_catalog.pg_namespace n
        WHERE n.oid = (SELECT r.relnamespace FROM pg_catalog.pg_class r WHERE r.oid = p.relid)) AS nspname,
       (SELECT r.relname FROM pg_catalog.pg_class r WHERE r.oid = p.relid) AS relname,
       (SELECT GREATEST(r.reltuples, 0)::pg_catalog.float8 FROM pg_catalog.pg_class r WHERE r.oid = p.relid) AS reltuples,
       (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = p.relid AND a.attnum = p.attnum) AS attname,
       (SELECT n.nspname FROM pg_catalog.pg_namespace n
        WHERE n.oid = (SELECT sc.relnamespace FROM pg_catalog.pg_class sc WHERE sc.oid = p.seq)) AS seq_schema,
       (SELECT sc.relname FROM pg_catalog.pg_class sc WHERE sc.oid = p.seq) AS seq_name,
       (SELECT pg_catalog.format_type(s.seqtypid, NULL) FROM pg_catalog.pg_sequence s WHERE s.seqrelid = p.seq) AS seq_type
FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.oid[]),
               pg_catalog.unnest($3::pg_catalog.int2[])) AS p(seq, relid, attnum)
