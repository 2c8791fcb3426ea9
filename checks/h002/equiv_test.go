package h002

import (
	"context"
	_ "embed"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// The single statement H002 sent before the catalogs were read in passes and matched in
// Go (issue 13): the passes must find exactly what it found.
//
//go:embed testdata/h002_before.sql
var beforeQuery string

// equivFixture plants what the matching in Go must get right: partitioned indexes over two
// levels and without any index with storage below them, an invalid index, constraints
// backed by indexes, foreign keys over one and several columns, INCLUDE columns,
// expressions, partial indexes and more unused indexes than the listing shows.
const equivFixture = `
CREATE TABLE p (id int PRIMARY KEY);
INSERT INTO p SELECT generate_series(1, 1000);
CREATE TABLE p2 (x int, y int, UNIQUE (x, y));
INSERT INTO p2 SELECT g, g FROM generate_series(1, 2000) g;
CREATE TABLE c (id int PRIMARY KEY, pid int REFERENCES p, x int, y int, z int, r int4range,
    FOREIGN KEY (x, y) REFERENCES p2 (x, y), EXCLUDE USING gist (r WITH &&));
INSERT INTO c SELECT g, g % 1000 + 1, g % 2000 + 1, g % 2000 + 1, g, NULL FROM generate_series(1, 20000) g;
CREATE INDEX c_pid ON c (pid);
CREATE INDEX c_yx ON c (y, x);
CREATE INDEX c_xyz ON c (x, y, z);
CREATE INDEX c_x ON c (x);
CREATE INDEX c_z_inc ON c (z) INCLUDE (pid);
CREATE INDEX c_pid_part ON c (pid) WHERE z > 0;
CREATE INDEX c_expr ON c ((pid + 0));
CREATE INDEX c_invalid ON c (z, id);
UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'c_invalid'::regclass;
CREATE TABLE pt (a int, b int, k int) PARTITION BY RANGE (k);
CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (100) PARTITION BY RANGE (a);
CREATE TABLE pt11 PARTITION OF pt1 FOR VALUES FROM (0) TO (1000000);
CREATE TABLE pt2 PARTITION OF pt FOR VALUES FROM (100) TO (200);
CREATE TABLE pt3 PARTITION OF pt FOR VALUES FROM (200) TO (300) PARTITION BY RANGE (a);
INSERT INTO pt SELECT g, g, g % 200 FROM generate_series(1, 20000) g;
CREATE INDEX pt_a ON pt (a);
CREATE INDEX pt_b ON pt (b, a);
CREATE TABLE ep (a int, k int) PARTITION BY RANGE (k);
CREATE TABLE ep1 PARTITION OF ep FOR VALUES FROM (0) TO (10) PARTITION BY RANGE (a);
CREATE INDEX ep_a ON ep (a);
CREATE MATERIALIZED VIEW mv AS SELECT g FROM generate_series(1, 5000) g;
CREATE INDEX mv_g ON mv (g);
ANALYZE;
`

// sameAsBefore fails unless the passes list and count exactly what the statement before
// them did, for each configuration; it returns what they found.
func sameAsBefore(t *testing.T, cl *pgtest.Cluster, db string, cfgs ...Config) []Data {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TEMP TABLE tmp (a int); CREATE INDEX ON tmp (a)"); err != nil {
		t.Fatal(err)
	}
	var out []Data
	for _, cfg := range cfgs {
		c := &Check{cfg: cfg}
		var got, want Data
		if err := c.readIndexes(ctx, conn, &got, 8192); err != nil {
			t.Fatal(err)
		}
		if err := readBefore(ctx, conn, cfg, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%+v:\n got %s\nwant %s", cfg, g, w)
		}
		out = append(out, got)
	}
	return out
}

// readBefore is how H002 read the statement before.
func readBefore(ctx context.Context, db checks.Querier, cfg Config, d *Data) error {
	rows, err := db.Query(ctx, beforeQuery, cfg.TopN, cfg.MinSizeBytes, cfg.RareMinSizeBytes)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ix Index
		var def *checks.Definition
		var schema, name, table *checks.Name
		var ident *checks.Definition
		var partitions *int
		var scans, pages, writes *int64
		var oid *uint32
		var large, locked, tableLocked, expressions, partial *bool
		if err := rows.Scan(&large, &oid, &pages, &schema, &name, &table, &ident, &partitions, &scans, &writes,
			&ix.SizeBytes, &locked, &tableLocked, &expressions, &partial, &def, &ix.SupportsFKs, &d.Total,
			&d.UnlistedFK, &d.UnlistedLarge, &d.LargeTotal, &d.Unjudged); err != nil {
			return err
		}
		if name == nil {
			continue
		}
		ix.Schema, ix.Name, ix.Table, ix.Ident = val(schema), *name, val(table), val(ident)
		ix.Partitions, ix.IdxScan, ix.Locked, ix.TableLocked = val(partitions), val(scans), val(locked), val(tableLocked)
		ix.Expressions, ix.Partial = val(expressions), val(partial)
		ix.RelPages, ix.Writes, ix.oid = val(pages), val(writes), val(oid)
		if def != nil {
			ix.Definition = *def
		}
		if ix.SupportsFKs == nil {
			ix.SupportsFKs = []checks.Name{}
		}
		if val(large) {
			d.Large = append(d.Large, ix)
		} else {
			d.Indexes = append(d.Indexes, ix)
		}
	}
	return rows.Err()
}

// equivConfigs: the defaults, and limits small enough that the fixture's indexes fall on
// both sides of each.
func equivConfigs() []Config {
	small := New().cfg
	small.TopN, small.MinSizeBytes, small.RareMinSizeBytes = 3, 100<<10, 200<<10
	none := small
	none.TopN = 0
	return []Config{New().cfg, small, none}
}

// sameAsBeforeIn plants equivFixture in a database of its own on cl and compares there.
func sameAsBeforeIn(t *testing.T, cl *pgtest.Cluster) {
	t.Helper()
	cl.MustExec(t, "postgres", "CREATE DATABASE equiv")
	cl.MustExec(t, "equiv", equivFixture)
	d := sameAsBefore(t, cl, "equiv", equivConfigs()...)
	// the fixture reaches every count, or the comparison proves little
	small := d[1]
	if small.Total <= small.TopN || small.UnlistedFK == 0 || small.UnlistedLarge == 0 || small.LargeTotal == 0 ||
		small.Unjudged == 0 || len(small.Large) == 0 {
		t.Errorf("the fixture misses a case: %+v", small)
	}
	parts := false
	for _, ix := range append(small.Indexes, small.Large...) {
		parts = parts || ix.Partitions > 1
	}
	if !parts {
		t.Errorf("no partitioned index listed: %+v", small)
	}
}
