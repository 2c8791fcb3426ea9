package a004

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestDatabaseSizes: by default no database is walked: the connected one is estimated
// from its catalog, labelled so, and the others are "not measured"; exact_database_sizes
// measures every database the role may read.
func TestDatabaseSizes(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE nobody LOGIN")
	cl.MustExec(t, "postgres", "CREATE DATABASE other")
	cl.MustExec(t, "postgres", "CREATE TABLE big AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 40000) g; "+
		"CREATE INDEX ON big (id)")
	cl.MustExec(t, "postgres", "VACUUM big")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	pg, other := find(d, "postgres"), find(d, "other")
	if pg == nil || other == nil || pg.SizeSource != SizeEstimate || pg.SizeBytes == nil || other.SizeSource != SizeNotMeasured ||
		other.SizeBytes != nil || d.ExactSizes || d.SizeUnknown != len(d.Databases)-1 || d.TotalSizeBytes != *pg.SizeBytes {
		t.Fatalf("default sizes: %+v", d)
	}
	estimate := *pg.SizeBytes

	c := New()
	c.cfg.ExactDatabaseSizes = true
	r = checktest.Run(t, cl, c, checktest.Options{})
	d = Data{}
	r.Decode(t, &d)
	for _, db := range d.Databases {
		if db.SizeSource != SizeExact || db.SizeBytes == nil || *db.SizeBytes <= 0 {
			t.Fatalf("exact sizes: %+v", d.Databases)
		}
	}
	// The estimate leaves out the free space and visibility maps and whatever changed
	// since the last VACUUM or ANALYZE: below the exact size, but not far on a vacuumed
	// database (the 9 MB table dominates both).
	exact := *find(d, "postgres").SizeBytes
	if !d.ExactSizes || d.SizeUnknown != 0 || estimate > exact || float64(estimate) < 0.7*float64(exact) {
		t.Fatalf("estimate %d against exact %d (%+v)", estimate, exact, d)
	}

	cl.MustExec(t, "postgres", "REVOKE CONNECT ON DATABASE other FROM PUBLIC")
	r = checktest.Run(t, cl, c, checktest.Options{Role: "nobody"})
	d = Data{}
	r.Decode(t, &d)
	if o := find(d, "other"); r.Status == checks.StatusError || o.SizeSource != SizeNoPrivilege || o.SizeBytes != nil || d.SizeUnknown != 1 {
		t.Fatalf("as nobody: %s %s, %+v", r.Status, r.Reason, d.Databases)
	}
}
