package k006

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
	return workload.Counters{SharedHit: hit, SharedRead: read, Calls: 4, ExecMS: 10}
}

// Over 100 s, 1 MiB/s is 12,800 blocks read. Statement 1 is just below 95% at that
// volume, 2 exactly at 95%, 3 reads little, 4 was restarted (a lower bound).
func TestLowHitRatioPerStatement(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 100},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM a", After: blocks(243199, 12800)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM b", After: blocks(243200, 12800)},
		kseriestest.Stmt{ID: 3, User: 10, DB: 1, Text: "SELECT * FROM c", After: blocks(0, 12799)},
		kseriestest.Stmt{ID: 4, User: 10, DB: 1, Text: "SELECT * FROM d", Before: blocks(1e9, 1e9), After: blocks(10, 20000)})
	o := run(t, New(), v)
	d := o.Data.(Data)
	if len(d.Rows) != 4 || d.Rows[0].QueryID != 4 || !d.HitColumn {
		t.Fatalf("rows %+v", d.Rows)
	}
	var got []string
	for _, f := range o.Findings {
		if f.Code != "K006/low-hit-ratio" || f.Severity != checks.P3 {
			t.Errorf("%+v", f)
		}
		got = append(got, f.Conclusion)
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "SELECT statement queryid 4 found only 0.0% of its shared blocks in shared buffers in the 1m 40s window: it read at least 156.2 MiB") ||
		!strings.HasPrefix(got[1], "SELECT statement queryid 1 found only 95.0% ") {
		t.Errorf("findings:\n%s", strings.Join(got, "\n"))
	}
}

func TestSkipAndTemplate(t *testing.T) {
	if o := run(t, New(), nil); o.Skip == nil {
		t.Errorf("no view: %+v", o)
	}
	v := kseriestest.View(t, kseriestest.Options{Source: workload.SourceReset, Seconds: 86400},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM a", After: blocks(10, 30)})
	md := checktest.Template(t, "K006", run(t, New(), v).Data)
	if !strings.Contains(md, "Counted **since the statistics were reset** (1d 0h), not over a window.") ||
		!strings.Contains(md, "| 1 | 100.0% | 240.0 KiB (30 blocks) |") || !strings.Contains(md, "| 25.0% | u10 |") {
		t.Errorf("markdown:\n%s", md)
	}
	checktest.TableRows(t, md, 11)
}
