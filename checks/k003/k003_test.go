package k003

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// delta is one entry's activity: calls and milliseconds (a tenth of it planning).
func delta(id int64, user uint32, calls int64, ms float64) workload.EntryDelta {
	return workload.EntryDelta{Key: workload.Key{QueryID: id, UserID: user, DBID: 5, TopLevel: true}, Status: workload.Exact,
		Counters: workload.Counters{Calls: calls, ExecMS: ms * 0.9, PlanMS: ms * 0.1, Rows: calls, SharedRead: 2 * calls, TempWritten: calls}}
}

// view is a 200-second window over deltas, with texts for ids 1-4 (2 and 3 share a
// fingerprint) and id 99 pgcheckup's own.
func view(deltas ...workload.EntryDelta) *workload.View {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	w := &workload.Window{Start: start, End: start.Add(200 * time.Second), Seconds: 200, Deltas: deltas, Attributed: 1,
		Features: workload.Features{Plan: true, WAL: true}, Settings: workload.Settings{TrackPlanning: "on", TrackIOTiming: "on"}}
	return &workload.View{Source: workload.SourceWindow, Window: w,
		Texts: &workload.Texts{ByID: map[int64]workload.Text{
			1:  {Query: "SELECT * FROM a WHERE id = $1", Type: workload.TypeSelect, Fingerprint: "f1"},
			2:  {Query: "UPDATE b SET v = $1", Type: workload.TypeUpdate, Fingerprint: "f2"},
			3:  {Query: "UPDATE b SET v = $1", Type: workload.TypeUpdate, Fingerprint: "f2"},
			4:  {Query: "INSERT INTO c VALUES ($1)", Type: workload.TypeInsert, Fingerprint: "f4"},
			99: {Query: "/* pgcheckup K003 */ SELECT 1", Type: workload.TypeSelect, Fingerprint: "own"},
		}, Own: map[int64]bool{99: true}},
		Users:     map[uint32]checks.Name{10: "app", 11: "batch"},
		Databases: map[uint32]checks.Name{5: "shop"},
	}
}

func run(t *testing.T, c *Check, v any) *checks.Outcome {
	t.Helper()
	out, err := c.Run(context.Background(), &checks.Target{Node: checks.Node{Database: "app", User: "mon"}, Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestListing(t *testing.T) {
	c := New()
	c.cfg.TopN = 2
	v := view(delta(1, 10, 100, 250), delta(2, 10, 10, 300), delta(3, 11, 5, 200), delta(4, 10, 1, 100),
		delta(7, 10, 50, 150), delta(99, 10, 1, 5000))
	out := run(t, c, v)
	d := out.Data.(Data)
	// Groups: f2 (2+3) 500 ms, f1 250 ms, 7 (no text) 150, f4 100; own 99 left out.
	if d.TotalMS != 1000 || d.Statements != 4 || len(d.Top) != 2 {
		t.Fatalf("total %v, statements %d, top %d", d.TotalMS, d.Statements, len(d.Top))
	}
	up := d.Top[0]
	if up.Query != "UPDATE b SET v = $1" || up.Type != workload.TypeUpdate || *up.QueryID != 2 || up.User != "app" || up.Database != "shop" ||
		up.PartsTotal != 2 || len(up.Parts) != 2 || up.Parts[1].User != "batch" || *up.Parts[1].QueryID != 3 || up.Calls != 15 ||
		up.TotalMS != 500 || up.SharePercent != 50 || math.Abs(up.MeanMS-500.0/15) > 1e-9 || up.MSPerSecond != 2.5 ||
		up.CallsPerSec != 0.075 || up.PlanMS != 50 {
		t.Errorf("top row %+v", up)
	}
	if d.Top[1].Query != "SELECT * FROM a WHERE id = $1" || d.Top[1].Parts != nil || d.Top[1].PartsTotal != 1 {
		t.Errorf("second row %+v", d.Top[1])
	}
	if d.Others.Groups != 2 || d.Others.Calls != 51 || d.Others.TotalMS != 250 || d.Others.SharePercent != 25 {
		t.Errorf("others %+v", d.Others)
	}
	sum := d.Others.SharePercent
	for _, s := range d.Top {
		sum += s.SharePercent
	}
	if math.Abs(sum-100) > 1e-9 {
		t.Errorf("shares add up to %v", sum)
	}
	if d.Window.Own != 1 || d.Window.Seconds != 200 || d.User != "mon" {
		t.Errorf("window %+v user %q", d.Window, d.User)
	}
	// 50% > 30%: the UPDATE dominates; the SELECT's 25% does not.
	if len(out.Findings) != 1 || out.Findings[0].Code != "K003/dominant-statement" ||
		!strings.Contains(out.Findings[0].Conclusion, "(#1 in the table, queryid 2) took 50% of the statement time in the 3m 20s window: 500 ms in 15 calls, mean 33.3 ms.") {
		t.Errorf("findings %+v", out.Findings)
	}
	// Everything fits: no others row.
	if d := run(t, New(), v).Data.(Data); len(d.Top) != 4 || d.Others.Groups != 0 || d.Others.SharePercent != 0 {
		t.Errorf("top 20: %d rows, others %+v", len(d.Top), d.Others)
	}
}

func TestDominantBoundaries(t *testing.T) {
	cases := []struct {
		name  string
		ds    []workload.EntryDelta
		want  int
		setup func(*Check)
	}{
		{"exactly 30%", []workload.EntryDelta{delta(1, 10, 1, 300), delta(4, 10, 1, 250), delta(7, 10, 1, 250), delta(8, 10, 1, 200)}, 0, nil},
		{"just over 30%", []workload.EntryDelta{delta(1, 10, 1, 301), delta(4, 10, 1, 250), delta(7, 10, 1, 250), delta(8, 10, 1, 199)}, 1, nil},
		{"a single statement", []workload.EntryDelta{delta(1, 10, 1, 5000)}, 0, nil},
		{"an idle window", []workload.EntryDelta{delta(1, 10, 1, 90), delta(4, 10, 1, 9)}, 0, nil},
		{"idle, threshold lowered", []workload.EntryDelta{delta(1, 10, 1, 90), delta(4, 10, 1, 9)}, 1, func(c *Check) { c.cfg.MinTotalSeconds = 0 }},
		{"two over 30%", []workload.EntryDelta{delta(1, 10, 1, 400), delta(4, 10, 1, 350), delta(7, 10, 1, 250)}, 2, nil},
		{"dominant beyond top_n is not judged", []workload.EntryDelta{delta(1, 10, 1, 400), delta(4, 10, 1, 350), delta(7, 10, 1, 250)}, 1,
			func(c *Check) { c.cfg.TopN = 1 }},
	}
	for _, tc := range cases {
		c := New()
		if tc.setup != nil {
			tc.setup(c)
		}
		out := run(t, c, view(tc.ds...))
		if len(out.Findings) != tc.want {
			t.Errorf("%s: %d findings, want %d: %+v", tc.name, len(out.Findings), tc.want, out.Findings)
		}
		for _, f := range out.Findings {
			if f.Severity != checks.P3 || f.Code != "K003/dominant-statement" {
				t.Errorf("%s: %+v", tc.name, f)
			}
		}
	}
}

func TestHidden(t *testing.T) {
	h := delta(0, 20, 40, 800)
	h.Hidden, h.HiddenEntries = true, 6
	v := view(h, delta(1, 10, 10, 200))
	v.Users[20] = "other"
	out := run(t, New(), v)
	d := out.Data.(Data)
	if len(d.Top) != 2 || !d.Top[0].Hidden || d.Top[0].QueryID != nil || d.Top[0].Query != "" || d.Top[0].User != "other" || d.Top[0].SharePercent != 80 {
		t.Fatalf("top %+v", d.Top)
	}
	var hidden *checks.Finding
	for i, f := range out.Findings {
		if f.Code == "K003/texts-hidden" {
			hidden = &out.Findings[i]
		}
	}
	if hidden == nil || hidden.Severity != checks.Info || !strings.Contains(hidden.Conclusion, "6 entries belong to other roles") ||
		!strings.Contains(hidden.Recommendation, "`GRANT pg_read_all_stats TO mon;`") {
		t.Errorf("findings %+v", out.Findings)
	}
	if f := out.Findings[0]; f.Code != "K003/dominant-statement" || !strings.Contains(f.Conclusion, "other roles' statements, text hidden") {
		t.Errorf("dominant hidden: %+v", f)
	}
}

func TestSinceReset(t *testing.T) {
	v := view(delta(1, 10, 10, 900), delta(4, 10, 10, 100))
	v.Source, v.Reason = workload.SourceReset, "no previous run"
	v.Window.Settings.TrackPlanning = "off"
	out := run(t, New(), v)
	if len(out.Findings) != 1 || !strings.Contains(out.Findings[0].Conclusion, "since the statistics began (3m 20s; no window was measured) (execution only") {
		t.Errorf("findings %+v", out.Findings)
	}
}

func TestSkip(t *testing.T) {
	for _, v := range []any{nil, &workload.View{Source: workload.SourceNone, Reason: workload.ErrNotLoaded.Error()}} {
		out := run(t, New(), v)
		if out.Skip == nil || out.Data != nil || out.Findings != nil {
			t.Errorf("%v: %+v", v, out)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []Config{{TopN: 0, DominantPercent: 30}, {TopN: 1001}, {TopN: 20, DominantPercent: 100.5}} {
		if c.Validate() == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if err := New().cfg.Validate(); err != nil {
		t.Error(err)
	}
}

func TestJSONAndTemplate(t *testing.T) {
	h := delta(0, 20, 40, 80)
	h.Hidden, h.HiddenEntries = true, 1
	big := delta(-9223372036854775807, 10, 3, 50) // no text: listed by its queryid
	v := view(delta(2, 10, 10, 300), delta(3, 11, 5, 200), h, big, delta(1, 10, 1, 1), delta(4, 10, 1, 1))
	v.Users[11] = "ev|l`user"
	c := New()
	c.cfg.TopN = 4
	out := run(t, c, v)
	b, err := json.Marshal(out.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"queryid":"-9223372036854775807"`) || !strings.Contains(string(b), `"queryid":null`) {
		t.Errorf("queryids not exact strings: %s", b)
	}
	var back Data
	if err := json.Unmarshal(b, &back); err != nil || *back.Top[2].QueryID != -9223372036854775807 {
		t.Errorf("round trip: %v %+v", err, back.Top)
	}
	md := checktest.Template(t, "K003", out.Data)
	for _, want := range []string{"Window of 3m 20s", "5 statements took 632 ms in all.", "| 1 | 79.1% | 500 ms | 15 |",
		"(2 entries: `app` in `shop` 300 ms, `` ev\\|l`user `` in `shop` 200 ms)", "`UPDATE b SET v = $1`",
		"hidden: other roles' statements", "queryid -9223372036854775807", "| | 0.2% | 1.00 ms | 1 | | | | | | | | all 1 other statements |", "`UPDATE b SET v = $1` (queryid 2)", "| `shop` | – | hidden"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 12)
}
