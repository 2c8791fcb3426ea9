-- Statements that cannot run inside a transaction block; run one by one.
-- A unique index build that fails on duplicates leaves an invalid index (H001).
CREATE UNIQUE INDEX CONCURRENTLY orders_status_uniq ON orders (status);
