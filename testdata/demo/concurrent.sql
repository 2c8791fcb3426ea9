-- Statements that cannot run inside a transaction block; run one by one.
-- A unique index build that fails on duplicates leaves an invalid index (H001).
CREATE UNIQUE INDEX CONCURRENTLY customers_name_uniq ON customers (name || (id % 2)::text);
