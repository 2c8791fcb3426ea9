package n001

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries/kseriestest"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// view: 10 samples; a row lock waited on by two statements, CPU, a sleep without a
// queryid, an I/O wait.
func view(t *testing.T) *workload.View {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 10},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "UPDATE acct SET n = n + 1 WHERE id = 7", After: workload.Counters{Calls: 1}})
	v.Texts.ByID[2] = workload.Describe(privacy.NormalizeQuery("SELECT * FROM acct WHERE id = 7 FOR UPDATE"))
	v.Waits = &workload.WaitProfile{Interval: time.Second, Samples: 10, Waits: []workload.Wait{
		{Type: "Lock", Event: "transactionid", QueryID: 1, Count: 8},
		{Type: workload.CPU, Event: workload.CPU, QueryID: 1, Count: 5},
		{Type: "Lock", Event: "transactionid", QueryID: 2, Count: 4},
		{Type: "Timeout", Event: "PgSleep", QueryID: 0, Count: 2},
		{Type: "IO", Event: "DataFileRead", QueryID: 3, Count: 1},
	}}
	return v
}

func run(t *testing.T, cfg Config, v *workload.View, readAll bool) (*checks.Outcome, Data) {
	t.Helper()
	ch := New()
	ch.cfg = cfg
	out, err := ch.Run(context.Background(), &checks.Target{Workload: v, Node: checks.Node{PGReadAllData: readAll}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := out.Data.(Data)
	return out, d
}

func TestProfile(t *testing.T) {
	out, d := run(t, New().cfg, view(t), true)
	if d.Samples != 10 || d.SessionSamples != 20 || d.AvgActive != 2 || !d.QueryIDs || len(d.Events) != 4 {
		t.Fatalf("data %+v", d)
	}
	e := d.Events[0]
	if e.Type != "Lock" || e.Count != 12 || e.Percent != 60 || e.AvgActive != 1.2 || len(e.Statements) != 2 ||
		e.Statements[0].QueryID != 1 || e.Statements[0].Type != "UPDATE" || e.Statements[1].Type != "SELECT FOR UPDATE/SHARE" {
		t.Errorf("lock event %+v", e)
	}
	if s := d.Events[2]; s.Event != "PgSleep" || len(s.Statements) != 0 || s.MoreStatements != 2 {
		t.Errorf("sleep %+v", s)
	}
	if s := d.Events[3]; s.Statements[0].Query != "" || s.Statements[0].QueryID != 3 {
		t.Errorf("a statement without text %+v", s)
	}
	sum := 0.0
	for _, e := range d.Events {
		sum += e.Percent
	}
	if math.Abs(sum-100) > 1e-9 {
		t.Errorf("shares add to %v", sum)
	}
	if len(out.Findings) != 1 || out.Findings[0].Code != "N001/lock-waits" || !strings.Contains(out.Findings[0].Conclusion, "60%") {
		t.Errorf("findings %+v", out.Findings)
	}
}

func TestLimitsAndBoundaries(t *testing.T) {
	_, d := run(t, Config{TopN: 2, TopStatements: 1, LockPercent: 20, MinSessionSamples: 10}, view(t), true)
	if len(d.Events) != 2 || d.MoreEvents != 2 || d.MoreEventsCount != 3 || d.Events[0].MoreStatements != 4 {
		t.Errorf("limits %+v", d)
	}
	for _, tc := range []struct {
		cfg  Config
		want bool
	}{
		{Config{TopN: 20, TopStatements: 5, LockPercent: 60, MinSessionSamples: 20}, true},
		{Config{TopN: 20, TopStatements: 5, LockPercent: 60.1, MinSessionSamples: 10}, false},
		{Config{TopN: 20, TopStatements: 5, LockPercent: 20, MinSessionSamples: 21}, false},
	} {
		out, _ := run(t, tc.cfg, view(t), true)
		if got := len(out.Findings) == 1; got != tc.want {
			t.Errorf("%+v: %+v", tc.cfg, out.Findings)
		}
	}
	out, _ := run(t, New().cfg, view(t), false)
	if len(out.Findings) != 2 || out.Findings[0].Code != "N001/own-sessions-only" || out.Findings[0].Severity != checks.Info {
		t.Errorf("without pg_read_all_stats: %+v", out.Findings)
	}
}

func TestSkip(t *testing.T) {
	noWaits := view(t)
	noWaits.Waits = nil
	none := view(t)
	none.Waits.Samples, none.Waits.Waits = 0, nil
	for _, v := range []*workload.View{nil, noWaits, none} {
		if out, _ := run(t, New().cfg, v, true); out.Skip == nil || out.Skip.Hint == "" {
			t.Errorf("%+v", out)
		}
	}
}

func TestTemplate(t *testing.T) {
	v := view(t)
	v.Waits.Waits[0].Event = "trans|action`id"
	_, d := run(t, New().cfg, v, true)
	md := checktest.Template(t, "N001", d)
	for _, want := range []string{"10 samples of `pg_stat_activity`, one every 1s, over a window of 10s", "2.00 active sessions",
		`trans\|action`, "8× `UPDATE acct SET n = n + $1 WHERE id = $2`", "2× other or unknown statements", "1× queryid 3"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	checktest.TableRows(t, md, 6)
	d.Events = nil
	if md := checktest.Template(t, "N001", d); !strings.Contains(md, "No other session was active") {
		t.Errorf("empty:\n%s", md)
	}
}
