package m002

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries/kseriestest"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

type stmt = kseriestest.Stmt

func c(calls int64, ms float64, rows int64) workload.Counters {
	return workload.Counters{Calls: calls, ExecMS: ms, Rows: rows}
}

// view: an unpaginated listing (50,000 rows per call, 20 calls), a mass update (one call,
// 200,000 rows), a point lookup, a utility statement without rows, pgcheckup's own.
func view(t *testing.T) *workload.View {
	return kseriestest.View(t, kseriestest.Options{Seconds: 300, Own: []int64{9}},
		stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM orders", After: c(20, 8000, 1000000)},
		stmt{ID: 2, User: 10, DB: 1, Text: "UPDATE orders SET archived = true", After: c(1, 3000, 200000)},
		stmt{ID: 3, User: 10, DB: 1, Text: "SELECT * FROM orders WHERE id = 1", After: c(9000, 900, 9000)},
		stmt{ID: 4, User: 10, DB: 1, Text: "VACUUM orders", After: c(1, 100, 0)},
		stmt{ID: 9, User: 10, DB: 1, Text: "SELECT * FROM pg_class", After: c(1, 10, 900000)},
	)
}

func run(t *testing.T, cfg Config, v *workload.View) (*checks.Outcome, Data) {
	t.Helper()
	ch := New()
	ch.cfg = cfg
	out, err := ch.Run(context.Background(), &checks.Target{Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := out.Data.(Data)
	return out, d
}

func TestRanking(t *testing.T) {
	_, d := run(t, Config{TopN: 2, RowsPerCall: 10000, MinCalls: 10}, view(t))
	if len(d.Rows) != 2 || d.Rows[0].QueryID != 2 || d.Rows[1].QueryID != 1 {
		t.Fatalf("rows %+v", d.Rows)
	}
	if d.Rows[0].RowsPerCall != 200000 || d.Rows[1].RowsPerCall != 50000 || d.Rows[1].MeanMS != 400 {
		t.Errorf("rows %+v", d.Rows)
	}
	// the lookup and VACUUM (no rows) are the others; pgcheckup's own is left out
	if d.Others == nil || d.Others.Parts != 2 || d.Others.Rows != 9000 || d.Others.Calls != 9001 {
		t.Fatalf("others %+v", d.Others)
	}
	if sum := d.Rows[0].TimePercent + d.Rows[1].TimePercent + d.Others.TimePercent; math.Abs(sum-100) > 1e-9 {
		t.Errorf("time shares add to %v", sum)
	}
	if d.Total.Rows != 1209000 || d.Total.Parts != 4 {
		t.Errorf("total %+v", d.Total)
	}
}

func TestFindingBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want int
		text string
	}{
		{"default: the listing (the update has one call)", Config{TopN: 20, RowsPerCall: 10000, MinCalls: 10}, 1, "SELECT statement queryid 1, 50000 rows per call"},
		{"at the threshold", Config{TopN: 20, RowsPerCall: 50000, MinCalls: 10}, 1, "50000 rows or more"},
		{"above", Config{TopN: 20, RowsPerCall: 50000.5, MinCalls: 10}, 0, ""},
		{"one call is enough", Config{TopN: 20, RowsPerCall: 10000, MinCalls: 1}, 2, "UPDATE statement queryid 2"},
		{"calls below the minimum", Config{TopN: 20, RowsPerCall: 10000, MinCalls: 21}, 0, ""},
	} {
		out, _ := run(t, tc.cfg, view(t))
		switch {
		case len(out.Findings) == 0 && tc.want == 0:
		case len(out.Findings) != 1 || out.Findings[0].Weight() != tc.want:
			t.Errorf("%s: findings %+v", tc.name, out.Findings)
		case !strings.Contains(out.Findings[0].Conclusion, tc.text) || out.Findings[0].Code != "M002/many-rows-per-call":
			t.Errorf("%s: %+v", tc.name, out.Findings[0])
		}
	}
}

func TestSkipWithoutView(t *testing.T) {
	if out, _ := run(t, New().cfg, nil); out.Skip == nil {
		t.Errorf("no view: %+v", out)
	}
}

func TestTemplate(t *testing.T) {
	_, d := run(t, Config{TopN: 2, RowsPerCall: 10000, MinCalls: 10}, view(t))
	md := checktest.Template(t, "M002", d)
	for _, want := range []string{"window of 5m", "| 1 | 200,000.00 | 200,000 | 1 |", "`SELECT * FROM orders`",
		"all other statements (groups: 2)", "**all statements** (groups: 4)"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 11)
}
