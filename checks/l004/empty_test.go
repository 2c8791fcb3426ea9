package l004

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// A partitioned table with no partitions yet is still a table without a key, and one
// whose only partitions are partitioned tables without partitions is too.
func TestEmptyPartitioned(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE empty_parted (a int, k int) PARTITION BY RANGE (k);
		CREATE TABLE nested_parted (a int, k int) PARTITION BY RANGE (k);
		CREATE TABLE nested_parted_1 PARTITION OF nested_parted FOR VALUES FROM (0) TO (10) PARTITION BY LIST (a);
		CREATE TABLE empty_parted_pk (a int PRIMARY KEY) PARTITION BY RANGE (a);`)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]Table{}
	for _, x := range d.Tables {
		got[x.Table] = x
	}
	for _, name := range []checks.Name{"empty_parted", "nested_parted"} {
		if x, ok := got[name]; !ok || !x.Partitioned || x.Partitions != 0 || x.Bytes != 0 {
			t.Errorf("%s: %+v (found %v)", name, x, ok)
		}
	}
	if len(d.Tables) != 2 || d.Total != 2 || len(r.WithCode("L004/no-key")) != 2 {
		t.Errorf("got %+v, total %d", d.Tables, d.Total)
	}
}

// Every table without a key is counted, listed or not, with the severity it would have.
func TestUnlistedCounted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		DO $$ BEGIN FOR i IN 1..6 LOOP
			EXECUTE pg_catalog.format('CREATE TABLE nk%s (a int)', i);
		END LOOP; END $$;
		CREATE TABLE pub1 (a int); CREATE TABLE pub2 (a int);
		CREATE PUBLICATION p FOR TABLE pub1, pub2;
		ANALYZE;`)
	c := New()
	c.cfg.TopN = 1
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.Total != 8 || len(d.Tables) != 1 {
		t.Fatalf("total %d, listed %d, want 8 and 1", d.Total, len(d.Tables))
	}
	counted := map[checks.Severity]int{}
	for _, f := range r.Findings {
		counted[f.Severity] += f.Weight()
	}
	if counted[checks.P1] != 2 || counted[checks.P3] != 6 {
		t.Errorf("counted %v, want 2 P1 and 6 P3", counted)
	}
	if n := len(r.WithCode("L004/published-without-replica-identity")); n == 0 {
		t.Errorf("no finding counts the published tables")
	}
}
