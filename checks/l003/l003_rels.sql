/* pgcheckup L003 */
-- One pass over pg_class: every sequence but the temporary ones (other sessions' cannot
-- be read), with its schema, and the relations in pg_catalog and information_schema,
-- whose columns L003 leaves out.
SELECT c.oid, c.relkind = 'S' AND c.relpersistence <> 't' AS is_seq, c.relnamespace,
       c.relnamespace = ANY (ARRAY(SELECT n.oid FROM pg_catalog.pg_namespace n
                                   WHERE n.nspname IN ('pg_catalog', 'information_schema'))) AS is_system
FROM pg_catalog.pg_class c
WHERE c.relkind = 'S'
   OR c.relnamespace = ANY (ARRAY(SELECT n.oid FROM pg_catalog.pg_namespace n
                                  WHERE n.nspname IN ('pg_catalog', 'information_schema')))
