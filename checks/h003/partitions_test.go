package h003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestBothSidesPartitioned: a partitioned table (with a sub-partitioned partition)
// referencing a partitioned table. Postgres clones the key for every partition on both
// sides; the finding counts the referencing partitions once each, and the column numbers
// of a partition that was created apart (another column order) are its own.
func TestBothSidesPartitioned(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
CREATE TABLE rp (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE rp1 PARTITION OF rp FOR VALUES FROM (0) TO (10);
CREATE TABLE rp2 PARTITION OF rp FOR VALUES FROM (10) TO (20) PARTITION BY RANGE (id);
CREATE TABLE rp2a PARTITION OF rp2 FOR VALUES FROM (10) TO (15);
CREATE TABLE fp (rid int REFERENCES rp, k int) PARTITION BY RANGE (k);
CREATE TABLE fp1 PARTITION OF fp FOR VALUES FROM (0) TO (10);
CREATE TABLE fp2 PARTITION OF fp FOR VALUES FROM (10) TO (20) PARTITION BY RANGE (k);
CREATE TABLE fp2a PARTITION OF fp2 FOR VALUES FROM (10) TO (15);
CREATE TABLE fp3 (k int, x int, rid int);                   -- rid is column 3 here, 1 in fp
ALTER TABLE fp3 DROP COLUMN x;
ALTER TABLE fp ATTACH PARTITION fp3 FOR VALUES FROM (20) TO (30);
CREATE INDEX ON fp1 (rid);
CREATE INDEX ON fp3 (rid);
`)
	var d Data
	checktest.Run(t, cl, New(), checktest.Options{}).Decode(t, &d)
	if d.Total != 1 || len(d.FKs) != 1 {
		t.Fatalf("got %d (total %d), want fp once: %+v", len(d.FKs), d.Total, d.FKs)
	}
	if f := d.FKs[0]; f.Table != "fp" || f.Partitions != 3 || f.Unindexed != 1 {
		t.Errorf("fp: %d partitions, %d unindexed; want 3 (fp1, fp2a, fp3) and 1 (fp2a)", f.Partitions, f.Unindexed)
	}
}
