package k002

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

func delta(id int64, calls int64, ms float64) workload.EntryDelta {
	return workload.EntryDelta{Key: workload.Key{QueryID: id, UserID: 10, DBID: 5, TopLevel: true}, Status: workload.Exact,
		Counters: workload.Counters{Calls: calls, ExecMS: ms, Rows: 2 * calls}}
}

// view: a 100-second window; the texts are typed by workload.Describe, as the pipeline does.
func view(deltas ...workload.EntryDelta) *workload.View {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	texts := map[int64]workload.Text{}
	for id, q := range map[int64]string{
		1: "SELECT * FROM a WHERE id = $1", 2: "SELECT * FROM a WHERE id = $1 FOR UPDATE", 3: "UPDATE a SET v = $1",
		4: "WITH d AS (DELETE FROM a RETURNING *) SELECT count(*) FROM d", 5: "CREATE INDEX ON a (v)", 6: "VACUUM a",
		7: "COPY a FROM STDIN", 8: "SELEC broken", 99: "/* pgcheckup K002 */ SELECT 1",
	} {
		texts[id] = workload.Describe(privacy.NormalizeQuery(q))
	}
	w := &workload.Window{Start: start, End: start.Add(100 * time.Second), Seconds: 100, Deltas: deltas, Attributed: 1}
	return &workload.View{Source: workload.SourceWindow, Window: w, Texts: &workload.Texts{ByID: texts, Own: map[int64]bool{99: true}}}
}

func run(t *testing.T, v any) *checks.Outcome {
	t.Helper()
	out, err := New().Run(context.Background(), &checks.Target{Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTypes(t *testing.T) {
	h := delta(0, 4, 40)
	h.Hidden, h.HiddenEntries = true, 2
	d := run(t, view(delta(1, 100, 300), delta(2, 10, 100), delta(3, 20, 200), delta(4, 1, 50), delta(5, 1, 150),
		delta(6, 1, 20), delta(7, 2, 30), delta(8, 5, 10), delta(42, 7, 70), h, delta(99, 50, 5000), delta(11, 3, 30))).Data.(Data)
	got := map[checks.Label]Type{}
	var order []checks.Label
	for _, x := range d.Types {
		got[x.Type] = x
		order = append(order, x.Type)
	}
	want := []checks.Label{"SELECT", "UPDATE", "DDL", "SELECT FOR UPDATE/SHARE", "DELETE", "COPY", "other utility", "unknown"}
	if strings.Join(labels(order), ",") != strings.Join(labels(want), ",") {
		t.Fatalf("order %v, want %v", order, want)
	}
	// own (99) left out; 8 (unparseable), 42 and 11 (no text) and the hidden sum are unknown
	u := got["unknown"]
	if u.Entries != 4 || u.Calls != 19 || u.TimeMS != 150 || d.UnknownHidden != 2 || d.UnknownNoText != 3 {
		t.Errorf("unknown %+v hidden %d no text %d", u, d.UnknownHidden, d.UnknownNoText)
	}
	if d.Calls != 154 || d.TimeMS != 1000 {
		t.Errorf("totals %d %v", d.Calls, d.TimeMS)
	}
	s := got["SELECT"]
	if s.TimePercent != 30 || math.Abs(s.CallsPercent-100*100.0/154) > 1e-9 || s.MeanMS != 3 || s.CallsPerSec != 1 || s.MSPerSecond != 3 || s.Rows != 200 {
		t.Errorf("SELECT %+v", s)
	}
	var tp, cp float64
	for _, x := range d.Types {
		tp += x.TimePercent
		cp += x.CallsPercent
	}
	if math.Abs(tp-100) > 1e-9 || math.Abs(cp-100) > 1e-9 {
		t.Errorf("shares add up to %v%% of time, %v%% of calls", tp, cp)
	}
}

func labels(l []checks.Label) []string {
	out := make([]string, len(l))
	for i, x := range l {
		out[i] = string(x)
	}
	return out
}

func TestEmptyAndSkip(t *testing.T) {
	out := run(t, view())
	if d := out.Data.(Data); len(d.Types) != 0 || d.TimeMS != 0 || out.Findings != nil {
		t.Errorf("empty window: %+v", out)
	}
	md := checktest.Template(t, "K002", out.Data)
	if strings.Contains(md, "| Type |") || !strings.Contains(md, "0 calls took 0 ms in all.") {
		t.Errorf("empty:\n%s", md)
	}
	if out := run(t, nil); out.Skip == nil {
		t.Errorf("no view: %+v", out)
	}
}

func TestTemplate(t *testing.T) {
	h := delta(0, 4, 40)
	h.Hidden, h.HiddenEntries = true, 2
	md := checktest.Template(t, "K002", run(t, view(delta(1, 100, 300), delta(2, 10, 100), delta(42, 7, 70), h)).Data)
	for _, want := range []string{"121 calls took 510 ms in all.", "| SELECT | 58.8% | 300 ms | 82.6% | 100 | 3.00 ms | 1.00 | 3.00 ms | 200 | 1 |",
		"| SELECT FOR UPDATE/SHARE |", "| unknown | 21.6% |", "\"unknown\": 2 entries of other roles hidden from this role, 1 whose text"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 10)
}
