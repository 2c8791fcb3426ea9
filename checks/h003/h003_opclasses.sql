/* pgcheckup H003 */
-- The operator classes of the access methods an RI lookup can use (btree, hash, GiST),
-- each with the operators whose commutator its family holds: an index column serves the
-- lookup "$1 = fkcol" (or "$1 && period") when the key's PK-to-FK operator is one of them.
-- Small catalogs only.
SELECT oc.oid, pg_catalog.array_agg(o.oid) AS serves
FROM pg_catalog.pg_opclass oc
JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
JOIN pg_catalog.pg_amop ao ON ao.amopfamily = oc.opcfamily
JOIN pg_catalog.pg_operator o ON o.oprcom = ao.amopopr
WHERE am.amname IN ('btree', 'hash', 'gist')
GROUP BY oc.oid
