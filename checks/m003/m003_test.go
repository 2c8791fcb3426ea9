package m003

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

func c(calls int64, ms, readMS, writeMS, tempMS float64) workload.Counters {
	return workload.Counters{Calls: calls, ExecMS: ms, BlkReadMS: readMS, BlkWriteMS: writeMS, TempBlkWriteMS: tempMS,
		SharedRead: int64(readMS * 10)}
}

// view: a scan reading from storage, a sort spilling to temp files, a cached lookup
// (no I/O), pgcheckup's own; track_io_timing as given.
func view(t *testing.T, timing string, io bool) *workload.View {
	k := 1.0
	if !io {
		k = 0
	}
	v := kseriestest.View(t, kseriestest.Options{Seconds: 60, Own: []int64{9},
		Features: &workload.Features{Plan: true, WAL: true, TopLevel: true, TempIOTiming: true}},
		stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM big", After: c(10, 20000, k*12000, k*1000, 0)},
		stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM big ORDER BY x", After: c(5, 6000, 0, 0, k*3000)},
		stmt{ID: 3, User: 10, DB: 1, Text: "SELECT * FROM small WHERE id = 1", After: c(1000, 4000, 0, 0, 0)},
		stmt{ID: 9, User: 10, DB: 1, Text: "SELECT 1 AS own", After: c(1, 100, k*50, 0, 0)},
	)
	v.Window.Settings.TrackIOTiming = timing
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

func TestRankingAndIOBound(t *testing.T) {
	out, d := run(t, New().cfg, view(t, "on", true))
	if len(d.Rows) != 2 || d.Rows[0].QueryID != 1 || d.Rows[1].QueryID != 2 || d.Others == nil || d.Others.Parts != 1 {
		t.Fatalf("rows %+v others %+v", d.Rows, d.Others)
	}
	if r := d.Rows[0]; r.IOTimeMS != 13000 || r.BlkReadMS != 12000 || r.BlkWriteMS != 1000 || r.SharePercent != 81.25 {
		t.Errorf("row 1 %+v", r)
	}
	if r := d.Rows[1]; r.TempIOMS != 3000 || r.SharePercent != 18.75 {
		t.Errorf("row 2 %+v", r)
	}
	if sum := d.Rows[0].SharePercent + d.Rows[1].SharePercent + d.Others.SharePercent; math.Abs(sum-100) > 1e-9 {
		t.Errorf("shares add to %v", sum)
	}
	// 16 s of I/O over 30 s of statement time: 53%
	if math.Abs(d.IOPercent-100*16.0/30) > 1e-9 || len(out.Findings) != 1 || out.Findings[0].Code != "M003/io-bound" ||
		!strings.Contains(out.Findings[0].Conclusion, "53%") {
		t.Errorf("io %v findings %+v", d.IOPercent, out.Findings)
	}
	for _, cfg := range []Config{{TopN: 20, IOPercent: 54, MinTimeMS: 10000}, {TopN: 20, IOPercent: 50, MinTimeMS: 30001}} {
		if out, _ := run(t, cfg, view(t, "on", true)); len(out.Findings) != 0 {
			t.Errorf("%+v: %+v", cfg, out.Findings)
		}
	}
	if out, _ := run(t, Config{TopN: 20, IOPercent: 50, MinTimeMS: 30000}, view(t, "on", true)); len(out.Findings) != 1 {
		t.Errorf("at the time threshold: %+v", out.Findings)
	}
}

func TestTrackIOTimingOff(t *testing.T) {
	// off and nothing counted: unknown, not zeros
	out, d := run(t, New().cfg, view(t, "off", false))
	if !d.NotMeasured || d.Rows != nil || len(out.Findings) != 1 || out.Findings[0].Code != "M003/io-timing-off" ||
		out.Findings[0].Severity != checks.Info {
		t.Fatalf("data %+v findings %+v", d, out.Findings)
	}
	md := checktest.Template(t, "M003", d)
	if !strings.Contains(md, "**not measured**: `track_io_timing` is off") || strings.Contains(md, "| 1 |") {
		t.Errorf("off:\n%s", md)
	}
	// on, but the workload did no I/O: zeros are true, no finding
	if out, d := run(t, New().cfg, view(t, "on", false)); d.NotMeasured || len(out.Findings) != 0 {
		t.Errorf("on without I/O: %+v %+v", d, out.Findings)
	}
	// off at the end, but some time counted (it was on for part of the window): listed, with a warning
	_, d = run(t, New().cfg, view(t, "off", true))
	if md := checktest.Template(t, "M003", d); d.NotMeasured || !strings.Contains(md, "only the part of the window") {
		t.Errorf("turned off inside the window:\n%s", md)
	}
}

func TestTemplate(t *testing.T) {
	_, d := run(t, New().cfg, view(t, "on", true))
	md := checktest.Template(t, "M003", d)
	for _, want := range []string{"window of 1m", "I/O took 53.3%", "| 1 | 81.2% | 13,000 ms | 12,000 ms | 1,000 ms | 0 ms |",
		"all other statements (groups: 1)", "**all statements** (groups: 3)"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 12)
}

func TestSkipWithoutView(t *testing.T) {
	if out, _ := run(t, New().cfg, &workload.View{Source: workload.SourceNone}); out.Skip == nil {
		t.Errorf("%+v", out)
	}
}
