package k004

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

func spill(blocks, calls int64) workload.Counters {
	return workload.Counters{TempWritten: blocks, Calls: calls, ExecMS: float64(calls)}
}

// The boundary: 100 KiB/s over a 100 s window is 10,240,000 bytes, 1250 blocks.
func TestSpillFinding(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 100},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t ORDER BY a", After: spill(1250, 5)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM u ORDER BY b", After: spill(1249, 5)},
		kseriestest.Stmt{ID: 3, User: 10, DB: 1, Text: "SELECT 1", After: spill(0, 100)})
	o := run(t, New(), v)
	d := o.Data.(Data)
	if len(d.Rows) != 2 || d.Others == nil || d.Others.Calls != 100 {
		t.Fatalf("rows %+v others %+v", d.Rows, d.Others)
	}
	if len(o.Findings) != 1 || o.Findings[0].Code != "K004/temp-spill" || o.Findings[0].Severity != checks.P3 ||
		!strings.HasPrefix(o.Findings[0].Conclusion, "SELECT statement queryid 1 wrote 9.8 MiB to temporary files in the 1m 40s window") {
		t.Errorf("findings %+v", o.Findings)
	}
	c := New()
	c.cfg.MinBytesPerSecond = 0
	if got := run(t, c, v).Findings; len(got) != 2 {
		t.Errorf("threshold 0: every statement that wrote anything, got %+v", got)
	}
}

func TestSkipWithoutView(t *testing.T) {
	o := run(t, New(), nil)
	if o.Skip == nil || !strings.Contains(o.Skip.Hint, "CREATE EXTENSION pg_stat_statements") {
		t.Errorf("%+v", o)
	}
	o = run(t, New(), &workload.View{Source: workload.SourceNone, Reason: "pg_stat_statements is installed but not loaded"})
	if o.Skip == nil || o.Skip.Reason != "pg_stat_statements is installed but not loaded" {
		t.Errorf("%+v", o.Skip)
	}
}

func TestValidate(t *testing.T) {
	if err := (&Config{TopN: 0}).Validate(); err == nil {
		t.Error("top_n 0 accepted")
	}
}

func TestTemplate(t *testing.T) {
	d := int64(3)
	v := kseriestest.View(t, kseriestest.Options{Seconds: 60, Dealloc: &d},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t WHERE a = 'secret' ORDER BY a", After: spill(1000, 4)},
		kseriestest.Stmt{ID: 11, User: 11, DB: 1, Text: "SELECT * FROM t WHERE a = 'other' ORDER BY a", After: spill(10, 1)},
		kseriestest.Stmt{ID: 0, Hidden: true, User: 12, DB: 1, After: spill(500, 2)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT 1", After: spill(1, 2)})
	c := New()
	c.cfg.TopN = 2
	md := checktest.Template(t, "K004", run(t, c, v).Data)
	for _, want := range []string{
		"Counted over a window of 1m 0s.", "evicted 3 entries",
		"| 1 | 66.8% | 7.9 MiB (1,010 blocks) | 134.7 KiB/s | 1.6 MiB | 5 | 5.00 ms | u10, u11 |",
		"u10, u11 | db1 | `SELECT * FROM t WHERE a = $1 ORDER BY a` (2 entries) |",
		"hidden: another role's statement |",
		"all other statements (groups: 1) |", "| | 100% | 11.8 MiB (1,511 blocks) | 201.5 KiB/s | | 9 |",
		"blocks × 8,192",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	if strings.Contains(md, "secret") {
		t.Errorf("a literal in the Markdown:\n%s", md)
	}
	checktest.TableRows(t, md, 10)
	t.Log(md)
}
