package k008

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries/kseriestest"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

func run(t *testing.T, c *Check, v any) *checks.Outcome {
	t.Helper()
	o, err := c.Run(context.Background(), &checks.Target{Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func blocks(hit, read int64) workload.Counters {
	return workload.Counters{SharedHit: hit, SharedRead: read, Calls: 10, ExecMS: 10}
}

// Over 100 s, 1 MiB/s is 12,800 blocks read; with 243,200 hit that is a 95.0% ratio.
// Two statements share the blocks; pgcheckup's own (id 9) reads much and is left out.
func view(t *testing.T, hit, read int64) *workload.View {
	return kseriestest.View(t, kseriestest.Options{Seconds: 100, Own: []int64{9}},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t", After: blocks(hit-1000, read-100)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM u", After: blocks(1000, 100)},
		kseriestest.Stmt{ID: 9, User: 10, DB: 1, Text: "SELECT 9", After: blocks(0, 1_000_000)})
}

func TestLowHitRatioBoundaries(t *testing.T) {
	cases := []struct {
		hit, read int64
		want      bool
	}{
		{243200, 12800, false}, // exactly 95%: not below
		{243199, 12800, true},  // just below, 1 MiB/s
		{243199 / 2, 6400, false},
		{100, 12799, false}, // a poor ratio, but less than 1 MiB/s
		{0, 12800, true},
	}
	for i, c := range cases {
		o := run(t, New(), view(t, c.hit, c.read))
		d := o.Data.(Data)
		if d.TotalSharedRead != c.read || d.TotalSharedHit != c.hit {
			t.Fatalf("case %d: totals %d/%d (pgcheckup's own counted?)", i, d.TotalSharedHit, d.TotalSharedRead)
		}
		if got := len(o.Findings) == 1; got != c.want {
			t.Errorf("case %d: findings %+v", i, o.Findings)
		}
		for _, f := range o.Findings {
			if f.Code != "K008/low-hit-ratio" || f.Severity != checks.P3 || !strings.Contains(f.Conclusion, "in the 1m 40s window") {
				t.Errorf("case %d: %+v", i, f)
			}
		}
	}
	c := New()
	c.cfg.MinHitPercent = 0
	if got := run(t, c, view(t, 0, 12800)).Findings; len(got) != 0 {
		t.Errorf("min_hit_percent 0 judges nothing, got %+v", got)
	}
}

func TestValidate(t *testing.T) {
	c := New().cfg
	c.MinHitPercent = 101
	if c.Validate() == nil {
		t.Error("101% accepted")
	}
}

func TestTemplate(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 10},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t WHERE x = 42", After: blocks(900, 100)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT 1", After: workload.Counters{Calls: 5}})
	md := checktest.Template(t, "K008", run(t, New(), v).Data)
	for _, want := range []string{"| Hit ratio |", "| 1 | 100.0% | 7.8 MiB (1,000 blocks) | 800.0 KiB/s | 800.0 KiB | 10 | 10.0 ms | 90.0% | u10 | db1 | `SELECT * FROM t WHERE x = $1` |",
		"| 0.0% | 0 B (0 blocks) | 0 B/s | 0 B | 5 | 0 ms | – | | | all other statements (groups: 1) |", "| 90.0% | | | **all statements** (groups: 2) |"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 11)
}
