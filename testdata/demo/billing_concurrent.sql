-- Statements that cannot run inside a transaction block; run one by one in billing.
-- Invoice numbers repeat, so this unique index build fails and leaves an invalid index (H001).
CREATE UNIQUE INDEX CONCURRENTLY invoices_number_uniq ON invoices (number);
