/* pgcheckup H003 */
-- The collation of the key columns that a candidate index sorts with a collation (text
-- and the like; most keys are integers and need none), probed by (attrelid, attnum):
-- one index probe per column asked, never a pass over pg_attribute.
SELECT p.rel, p.num, a.attcollation
FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::pg_catalog.int2[])) p(rel, num)
CROSS JOIN LATERAL (SELECT a.attcollation
                    FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = p.rel AND a.attnum = p.num
                    LIMIT 1) a
