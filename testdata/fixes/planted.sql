-- Planted cases for the executable-recommendations test (cmd/pgcheckup/fixes_test.go),
-- loaded into the demo database after testdata/demo. Each plants a finding whose advice is
-- a statement the demo alone does not produce. Statements run one at a time, outside a
-- transaction; a statement marked "expect failure" plants its problem by failing.

-- H001, not unique: an expression build that failed on one row; the row is gone now, so
-- REINDEX (or drop and create again) succeeds. Its column `id` is no key: L004's surrogate
-- key must not collide with it.
CREATE TABLE fix_items (id int NOT NULL, n int NOT NULL);
INSERT INTO fix_items SELECT g, g % 7 FROM generate_series(1, 1000) g;
-- expect failure: division by zero
CREATE INDEX CONCURRENTLY fix_items_inv_idx ON fix_items ((100 / n));
DELETE FROM fix_items WHERE n = 0;

-- H001, unique: a unique build that failed on duplicates that were removed since.
CREATE TABLE fix_codes (code text NOT NULL);
INSERT INTO fix_codes VALUES ('a'), ('a'), ('b');
-- expect failure: duplicate key
CREATE UNIQUE INDEX CONCURRENTLY fix_codes_code_uniq ON fix_codes (code);
DELETE FROM fix_codes WHERE code = 'a';

-- L005 and H003: a foreign key added NOT VALID, without an index on its column; L002: its
-- column is int4 while the referenced key is bigint.
CREATE TABLE fix_parent (id bigint PRIMARY KEY);
INSERT INTO fix_parent SELECT g FROM generate_series(1, 100) g;
CREATE TABLE fix_child (id int PRIMARY KEY, parent_id int NOT NULL);
INSERT INTO fix_child SELECT g, 1 + g % 100 FROM generate_series(1, 1000) g;
ALTER TABLE fix_child ADD CONSTRAINT fix_child_parent_fk FOREIGN KEY (parent_id) REFERENCES fix_parent (id) NOT VALID;

-- L004 with a candidate: a unique index over a nullable column.
CREATE TABLE fix_nokey (code text, note text);
INSERT INTO fix_nokey SELECT 'c' || g, 'n' FROM generate_series(1, 100) g;
CREATE UNIQUE INDEX fix_nokey_code_idx ON fix_nokey (code);

-- H004 on a clustered index: the redundant index is the one the table is clustered on.
CREATE TABLE fix_events (kind int NOT NULL, at int NOT NULL);
INSERT INTO fix_events SELECT g % 10, g FROM generate_series(1, 1000) g;
CREATE INDEX fix_events_kind_idx ON fix_events (kind);
CREATE INDEX fix_events_kind_at_idx ON fix_events (kind, at);
ALTER TABLE fix_events CLUSTER ON fix_events_kind_idx;

-- A005: an extension one update behind what this server ships.
CREATE EXTENSION pg_buffercache VERSION '1.2';
