-- The demo database: a small shop with the problems a checkup should find.
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS pgstattuple;

-- A physical slot whose replica went away: it keeps every WAL segment written after it (C007).
SELECT pg_create_physical_replication_slot('old_reporting_replica', true);

CREATE TABLE customers (
    id         serial PRIMARY KEY,
    email      text NOT NULL,
    name       text NOT NULL,
    created_at timestamp without time zone NOT NULL DEFAULT now()   -- no time zone: L002
);
INSERT INTO customers (email, name)
SELECT 'user' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 20000) g;

-- Duplicate and redundant indexes (H004); unused indexes (H002).
CREATE INDEX customers_email_idx ON customers (email);
CREATE INDEX customers_email_idx2 ON customers (email);
CREATE INDEX customers_email_name_idx ON customers (email, name);

CREATE TABLE orders (
    id          serial PRIMARY KEY,                 -- int4 fed by a sequence: L003
    customer_id int NOT NULL REFERENCES customers (id),  -- no index on it: H003
    amount      money NOT NULL,                     -- money: L002
    status      text NOT NULL DEFAULT 'new',
    note        text
) WITH (autovacuum_enabled = false);                -- autovacuum off: F001
INSERT INTO orders (customer_id, amount, status, note)
SELECT 1 + g % 20000, (g % 500)::numeric::money, 'new', repeat('x', 60) FROM generate_series(1, 200000) g;
-- Updates and deletes with autovacuum off leave the table bloated (F004).
UPDATE orders SET status = 'paid' WHERE id % 2 = 0;
UPDATE orders SET note = repeat('y', 60) WHERE id % 3 = 0;
DELETE FROM orders WHERE id % 5 = 0;
-- The sequence has used most of the int4 range (L003).
SELECT setval('orders_id_seq', 1800000000);

-- A log table without a primary key (L004).
CREATE TABLE audit_log (at timestamptz NOT NULL DEFAULT now(), event text);
INSERT INTO audit_log (event) SELECT 'event ' || g FROM generate_series(1, 5000) g;

-- A constraint added NOT VALID and never validated (L005).
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event <> '') NOT VALID;

-- An altered setting at database level (A007).
ALTER DATABASE demo SET work_mem = '64MB';

-- ANALYZE runs after loading (internal/demodb), once statistics have counted the changes.
