/* pgcheckup F002 */
SELECT d.datname, d.datallowconn, d.datname = pg_catalog.current_database() AS is_current,
       pg_catalog.age(d.datfrozenxid)::bigint AS xid_age,
       pg_catalog.mxid_age(d.datminmxid)::bigint AS mxid_age,
       pg_catalog.current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max_age,
       pg_catalog.current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_freeze_max_age,
       pg_catalog.current_setting('vacuum_failsafe_age', true)::bigint AS failsafe_age,
       pg_catalog.current_setting('vacuum_multixact_failsafe_age', true)::bigint AS mxid_failsafe_age
FROM pg_catalog.pg_database d
ORDER BY pg_catalog.age(d.datfrozenxid) DESC, d.datname
