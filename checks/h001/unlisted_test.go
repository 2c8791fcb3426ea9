package h001

import (
	"fmt"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// Every invalid index is counted, listed or not, with the severity it would have.
func TestUnlistedCounted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE dup (v int); INSERT INTO dup SELECT g % 100 FROM generate_series(1, 1000) g;
		CREATE TABLE p (a int, b int) PARTITION BY RANGE (a);
		CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
		CREATE INDEX p_a_idx ON ONLY p (a);
		CREATE INDEX p_b_idx ON ONLY p (b);`)
	for i := range 3 {
		mustFail(t, cl, fmt.Sprintf(`CREATE UNIQUE INDEX CONCURRENTLY dup_%d ON dup (v)`, i))
	}
	c := New()
	c.cfg.TopN = 1
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.Total != 5 || len(d.Indexes) != 1 {
		t.Fatalf("total %d, listed %d, want 5 and 1", d.Total, len(d.Indexes))
	}
	counted := map[checks.Severity]int{}
	for _, f := range r.Findings {
		counted[f.Severity] += f.Weight()
	}
	if counted[checks.P2] != 3 || counted[checks.P3] != 2 || counted[checks.Info] != 0 {
		t.Errorf("counted %v, want 3 P2 and 2 P3", counted)
	}
}
