package m001

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

// view: a slow report (2 s per call, 12 calls), a fast hot statement (most of the
// time), the same slow-ish query in two databases (one group), pgcheckup's own, and
// one statement that did not move.
func view(t *testing.T) *workload.View {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 600, Own: []int64{9}},
		stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM report WHERE day = 1", After: c(12, 24000, 12)},
		stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM hot WHERE id = 1", Before: c(10, 5, 10), After: c(100010, 50005, 100010)},
		stmt{ID: 3, User: 11, DB: 1, Text: "UPDATE acct SET n = 2 WHERE id = 3", After: c(5, 2500, 5)},
		stmt{ID: 4, User: 12, DB: 2, Text: "UPDATE acct SET n = 7 WHERE id = 9", After: c(5, 2000, 5)},
		stmt{ID: 9, User: 10, DB: 1, Text: "SELECT 1 AS own", After: c(1, 90000, 1)},
		stmt{ID: 5, User: 10, DB: 1, Text: "SELECT 5", Before: c(3, 3, 3), After: c(3, 3, 3)},
	)
	v.Window.Settings.TrackPlanning = "off"
	return v
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
	_, d := run(t, Config{TopN: 2, SlowMeanMS: 1000, MinCalls: 10}, view(t))
	if len(d.Rows) != 2 || d.Rows[0].QueryID != 1 || d.Rows[1].QueryID != 3 {
		t.Fatalf("rows %+v", d.Rows)
	}
	r0, r1 := d.Rows[0], d.Rows[1]
	if r0.MeanMS != 2000 || r0.Calls != 12 || r0.Type != "SELECT" || !strings.Contains(string(r0.Query), "report") {
		t.Errorf("row 1 %+v", r0)
	}
	// one group of two entries, two users, two databases: 4500 ms over 10 calls
	if r1.Parts != 2 || r1.MeanMS != 450 || len(r1.Users) != 2 || len(r1.Databases) != 2 {
		t.Errorf("row 2 %+v", r1)
	}
	if d.Others == nil || d.Others.Parts != 1 || d.Others.Calls != 100000 || d.Others.TimeMS != 50000 {
		t.Fatalf("others %+v", d.Others)
	}
	// shares of time add to 100%; own statement (90 s) and the idle one are left out
	if sum := r0.TimePercent + r1.TimePercent + d.Others.TimePercent; math.Abs(sum-100) > 1e-9 {
		t.Errorf("time shares add to %v", sum)
	}
	if r0.SharePercent+r1.SharePercent+d.Others.SharePercent != 0 {
		t.Error("a share of mean times, which do not add up")
	}
	if d.Total.TimeMS != 24000+4500+50000 || d.Total.Calls != 100022 || d.Total.Parts != 3 {
		t.Errorf("total %+v", d.Total)
	}
	if d.Window.Seconds != 600 || d.Window.Source != workload.SourceWindow || d.Settings.TrackPlanning != "off" {
		t.Errorf("window %+v settings %+v", d.Window, d.Settings)
	}
}

func TestFindingBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cfg        Config
		want       int
		conclusion string
	}{
		{"default: only the report", Config{TopN: 20, SlowMeanMS: 1000, MinCalls: 10}, 1, "1 statement group(s) took 1s or more"},
		{"mean at the threshold counts", Config{TopN: 20, SlowMeanMS: 2000, MinCalls: 10}, 1, "SELECT statement queryid 1"},
		{"mean above every group", Config{TopN: 20, SlowMeanMS: 2000.001, MinCalls: 10}, 0, ""},
		{"calls below the minimum", Config{TopN: 20, SlowMeanMS: 1000, MinCalls: 13}, 0, ""},
		{"two groups", Config{TopN: 20, SlowMeanMS: 450, MinCalls: 10}, 2, "2 statement group(s)"},
		{"every listed group slow, others unseen", Config{TopN: 1, SlowMeanMS: 450, MinCalls: 10}, 1, "at least 1"},
	} {
		out, _ := run(t, tc.cfg, view(t))
		switch {
		case len(out.Findings) == 0 && tc.want == 0:
		case len(out.Findings) != 1 || out.Findings[0].Weight() != tc.want:
			t.Errorf("%s: findings %+v", tc.name, out.Findings)
		case !strings.Contains(out.Findings[0].Conclusion, tc.conclusion) || out.Findings[0].Code != "M001/slow-statements" ||
			out.Findings[0].Severity != checks.P3:
			t.Errorf("%s: %+v", tc.name, out.Findings[0])
		case strings.Contains(out.Findings[0].Conclusion, "report"):
			t.Errorf("%s: the text is in the finding: %s", tc.name, out.Findings[0].Conclusion)
		case !strings.Contains(out.Findings[0].Conclusion, "planning is not tracked"):
			t.Errorf("%s: track_planning off not said: %s", tc.name, out.Findings[0].Conclusion)
		}
	}
}

func TestSkipWithoutView(t *testing.T) {
	for _, v := range []*workload.View{nil, {Source: workload.SourceNone, Reason: workload.ErrNotLoaded.Error()}} {
		out, _ := run(t, New().cfg, v)
		if out.Skip == nil || out.Skip.Reason == "" || out.Skip.Hint == "" {
			t.Errorf("view %+v: %+v", v, out)
		}
	}
}

func TestTemplate(t *testing.T) {
	v := view(t)
	v.Texts.ByID[1] = workload.Text{Query: "SELECT `x|y` FROM <script>", Type: "SELECT"}
	_, d := run(t, Config{TopN: 2, SlowMeanMS: 1000, MinCalls: 10}, v)
	md := checktest.Template(t, "M001", d)
	for _, want := range []string{"window of 10m", "planning is not tracked", "| 1 | 2,000 ms | 12 |", "(2 entries)",
		"all other statements (groups: 1)", "**all statements** (groups: 3)", "u11, u12", "<script>"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 10)
	d.Rows, d.Others = nil, nil
	if md := checktest.Template(t, "M001", d); !strings.Contains(md, "No statement was called") {
		t.Errorf("empty:\n%s", md)
	}
}
