package l002

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const fixture = `
CREATE TABLE small_p3 (id smallint PRIMARY KEY);                     -- 2000 rows: 6.1% of smallint
INSERT INTO small_p3 SELECT generate_series(1, 2000);
CREATE TABLE small_p2 (id smallserial, v int);                        -- 9000 rows: 27.5%, no PK
INSERT INTO small_p2 (v) SELECT generate_series(1, 9000);
CREATE TABLE small_few (id smallint GENERATED ALWAYS AS IDENTITY);    -- 1 row
INSERT INTO small_few DEFAULT VALUES;
CREATE TABLE ints (id int PRIMARY KEY);                               -- 10000 rows of int4
INSERT INTO ints SELECT generate_series(1, 10000);
CREATE TABLE bigs (id bigint PRIMARY KEY);
INSERT INTO bigs SELECT generate_series(1, 10000);
CREATE TABLE small_parted (id smallint PRIMARY KEY) PARTITION BY RANGE (id);  -- 2500 rows over 2 partitions
CREATE TABLE small_parted1 PARTITION OF small_parted FOR VALUES FROM (0) TO (1000);
CREATE TABLE small_parted2 PARTITION OF small_parted FOR VALUES FROM (1000) TO (3000);
INSERT INTO small_parted SELECT generate_series(1, 2500);
CREATE TABLE plain_small (a smallint, b int);                         -- not a key
INSERT INTO plain_small SELECT 1, g FROM generate_series(1, 9000) g;

CREATE DOMAIN big_id AS bigint;
CREATE TABLE refd (id bigint PRIMARY KEY, code text UNIQUE);
CREATE TABLE refs (
    narrow int REFERENCES refd (id),                                  -- int4 -> int8: mismatch
    dom big_id REFERENCES refd (id),                                  -- domain over int8: same type
    code varchar(10) REFERENCES refd (code));                         -- varchar -> text: not a finding

CREATE TABLE times (a timestamp, b timestamptz, c timestamp(3), price money, note varchar(20));
CREATE TABLE times_parted (at timestamp, k int) PARTITION BY RANGE (k);
CREATE TABLE times_parted1 PARTITION OF times_parted FOR VALUES FROM (0) TO (10);
CREATE TABLE no_odd_types (a timestamptz, b numeric(12,2), c text);
ANALYZE;
`

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)

	keys := map[checks.Name]Key{}
	for _, k := range d.Keys {
		keys[k.Table] = k
	}
	if len(d.Keys) != 3 || d.KeysTotal != 3 {
		t.Errorf("keys: %+v", d.Keys)
	}
	// A partitioned table counts the rows of all its partitions.
	if k := keys["small_parted"]; !k.PK || k.Rows != 2500 {
		t.Errorf("small_parted: %+v", k)
	}
	if k := keys["small_p3"]; !k.PK || k.Type != "smallint" || k.Rows != 2000 || k.RowsPct < 6 || k.RowsPct > 6.2 {
		t.Errorf("small_p3: %+v", k)
	}
	if k := keys["small_p2"]; k.PK || !k.Fed || k.Rows != 9000 || k.Fix != "ALTER TABLE public.small_p2 ALTER COLUMN id TYPE bigint;" {
		t.Errorf("small_p2: %+v", k)
	}
	sev := map[string]checks.Severity{}
	for _, f := range r.WithCode("L002/small-integer-key") {
		sev[string(f.Objects[0])] = f.Severity
	}
	if sev["public.small_p3.id"] != checks.P3 || sev["public.small_p2.id"] != checks.P2 {
		t.Errorf("key severities: %v", sev)
	}

	if len(d.Mismatches) != 1 || d.MismatchesTotal != 1 {
		t.Fatalf("mismatches: %+v", d.Mismatches)
	}
	if m := d.Mismatches[0]; m.Column != "narrow" || m.Type != "integer" || m.RefType != "bigint" ||
		m.Fix != "ALTER TABLE public.refs ALTER COLUMN narrow TYPE bigint;" {
		t.Errorf("mismatch: %+v", m)
	}

	if d.TimestampColumns != 3 || d.TimestampTables != 2 || d.MoneyColumns != 1 || d.MoneyTables != 1 || d.TablesTotal != 2 {
		t.Errorf("types: %d ts columns in %d tables, %d money in %d, %d tables", d.TimestampColumns, d.TimestampTables,
			d.MoneyColumns, d.MoneyTables, d.TablesTotal)
	}
	if len(d.Tables) != 2 || d.Tables[0].Table != "times" || len(d.Tables[0].Timestamp) != 2 || d.Tables[0].Money[0] != "price" {
		t.Errorf("type tables: %+v", d.Tables)
	}
	if len(r.WithCode("L002/money")) != 1 || len(r.WithCode("L002/timestamp-without-time-zone")) != 1 ||
		len(r.WithCode("L002/fk-type-mismatch")) != 1 {
		t.Errorf("findings: %+v", r.Findings)
	}

	// Thresholds are parameters of the query; the limit applies on the server.
	c := New()
	c.cfg.KeyP3Pct, c.cfg.TopN = 0.0001, 2
	r = checktest.Run(t, cl, c, checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	if d.KeysTotal != 5 || len(d.Keys) != 2 || d.Keys[0].Table != "small_p2" || len(d.Tables) != 2 {
		t.Errorf("low threshold, top_n 2: total %d, %+v", d.KeysTotal, d.Keys)
	}

	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;")
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	d = Data{}
	r.Decode(t, &d)
	if d.KeysTotal != 3 || d.MismatchesTotal != 1 || d.TablesTotal != 2 {
		t.Errorf("as pg_monitor: %+v", d)
	}
}

func TestCleanDatabase(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE DATABASE clean")
	cl.MustExec(t, "clean", `CREATE TABLE p (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz, v varchar(10));
		CREATE TABLE c (pid bigint REFERENCES p, t text);`)
	r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean"})
	r.MustStatus(t, checks.StatusOK)
}
