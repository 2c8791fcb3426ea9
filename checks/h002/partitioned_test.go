package h002

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// An index of a partitioned table without partitions is never called unused (nothing can
// scan it), but it is counted as not judged, so the report says what it left out.
func TestEmptyPartitionedNotJudged(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE ep (a int, k int) PARTITION BY RANGE (k);
		CREATE INDEX ep_a ON ep (a);
		CREATE TABLE np (a int, k int) PARTITION BY RANGE (k);
		CREATE TABLE np1 PARTITION OF np FOR VALUES FROM (0) TO (10) PARTITION BY LIST (a);
		CREATE INDEX np_a ON np (a);
		CREATE TABLE ep_pk (a int PRIMARY KEY) PARTITION BY RANGE (a);`)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	for _, ix := range d.Indexes {
		if ix.Name == "ep_a" || ix.Name == "np_a" {
			t.Errorf("%s listed as unused: %+v", ix.Name, ix)
		}
	}
	if d.Unjudged != 2 {
		t.Errorf("unjudged %d, want 2", d.Unjudged)
	}
	if f := r.WithCode("H002/not-judged"); len(f) != 1 || f[0].Count != 2 || f[0].Severity != checks.Info {
		t.Errorf("not-judged findings %+v", f)
	}
	sameAsBefore(t, cl, "postgres", New().cfg)
}

// Every unused index is counted, listed or not, by the finding it would make.
func TestUnlistedCounted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE parent (id int PRIMARY KEY);
		DO $$ BEGIN FOR i IN 1..5 LOOP
			EXECUTE pg_catalog.format('CREATE TABLE big%s (a int, b int, p int REFERENCES parent)', i);
			EXECUTE pg_catalog.format('INSERT INTO big%s SELECT g, g FROM generate_series(1, 60000) g', i);
			EXECUTE pg_catalog.format('CREATE INDEX ON big%s (a)', i);
			EXECUTE pg_catalog.format('CREATE INDEX ON big%s (p)', i);  -- supports the foreign key
			EXECUTE pg_catalog.format('CREATE INDEX ON big%s (b) WHERE b < 0', i);  -- small
		END LOOP; END $$;
		ANALYZE;`)
	c := New()
	c.cfg.TopN, c.cfg.MinStatsAgeDays = 1, 0
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.Total != 15 || len(d.Indexes) != 1 {
		t.Fatalf("total %d, listed %d, want 15 and 1", d.Total, len(d.Indexes))
	}
	counted := map[string]int{}
	for _, f := range r.Findings {
		counted[f.Code] += f.Weight()
	}
	if counted["H002/unused-index"] != 5 || counted["H002/unused-fk-index"] != 5 {
		t.Errorf("counted %v, want 5 unused and 5 supporting a foreign key", counted)
	}
	sameAsBefore(t, cl, "postgres", c.cfg, New().cfg)
	sameAsBeforeIn(t, cl)
}
