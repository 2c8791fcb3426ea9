package h003

import (
	"path/filepath"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// followFixes runs every statement H003 recommends in db, as a DBA would, and asserts
// that the next run finds nothing.
func followFixes(t *testing.T, cl *pgtest.Cluster, db string) {
	t.Helper()
	c := New()
	c.cfg.TopN = 10000
	var d Data
	checktest.Run(t, cl, c, checktest.Options{DB: db}).Decode(t, &d)
	if d.Total != len(d.FKs) {
		t.Fatalf("%d of %d listed", len(d.FKs), d.Total)
	}
	for _, f := range d.FKs {
		if err := cl.Exec(t.Context(), db, string(f.Fix)); err != nil {
			t.Errorf("fix for %s.%s failed: %s: %v", f.Table, f.Constraint, f.Fix, err)
		}
	}
	cl.MustExec(t, db, "ANALYZE")
	d = Data{}
	checktest.Run(t, cl, c, checktest.Options{DB: db}).Decode(t, &d)
	for _, f := range d.FKs {
		t.Errorf("still flagged after its fix: %s.%s (%s)", f.Table, f.Constraint, f.Fix)
	}
}

// TestFixesClear follows every fix on the planted cases and on the demo database.
func TestFixesClear(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	followFixes(t, cl, "postgres")
	if err := demodb.Load(t.Context(), cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	var d Data
	checktest.Run(t, cl, New(), checktest.Options{DB: demodb.Name}).Decode(t, &d)
	if d.Total == 0 {
		t.Fatal("the demo database plants no foreign key without an index")
	}
	followFixes(t, cl, demodb.Name)
}
