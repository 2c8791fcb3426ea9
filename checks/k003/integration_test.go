package k003_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/k001"
	"github.com/pgcheckup/pgcheckup/checks/k002"
	"github.com/pgcheckup/pgcheckup/checks/k003"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// measure builds a node's View as the pipeline does: a snapshot as role, work, a second
// snapshot, the deltas, the texts of the candidates and the names.
func measure(t *testing.T, cl *pgtest.Cluster, role string, work func()) (*workload.View, checks.Node, *session.Session) {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(cl.ConnStringAs(role, "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Connect(ctx, cfg, session.Options{StatementTimeout: time.Minute, LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	node, err := s.Identify(ctx, "node1")
	if err != nil {
		t.Fatal(err)
	}
	s1, err := workload.Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	work()
	time.Sleep(10 * time.Millisecond)
	s2, err := workload.Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	w, err := workload.Delta(s1, s2)
	if err != nil {
		t.Fatal(err)
	}
	own := []string{session.NodeQuery}
	for _, q := range workload.Queries() {
		own = append(own, q.SQL)
	}
	texts, err := workload.FetchTexts(ctx, s, s2.ExtSchema, workload.Candidates(w, 100, workload.AllMeasures...),
		workload.OwnFingerprints(s2.ExtSchema, own), nil)
	if err != nil {
		t.Fatal(err)
	}
	var users, dbs []uint32
	for _, d := range w.Deltas {
		users, dbs = append(users, d.UserID), append(dbs, d.DBID)
	}
	slices.Sort(users)
	slices.Sort(dbs)
	u, d, err := workload.Names(ctx, s, slices.Compact(users), slices.Compact(dbs))
	if err != nil {
		t.Fatal(err)
	}
	return &workload.View{Source: workload.SourceWindow, Window: w, Texts: texts, Users: u, Databases: d}, node, s
}

func run(t *testing.T, c checks.Check, v *workload.View, node checks.Node, s *session.Session) *checks.Outcome {
	t.Helper()
	out, err := c.Run(context.Background(), &checks.Target{Node: node, DB: s, Now: time.Now(), Workload: v})
	if err != nil || out.Skip != nil {
		t.Fatalf("%s: %v %+v", c.Meta().ID, err, out)
	}
	return out
}

// TestOnRealServer: A sleeps for most of the window, B inserts, D runs only before it.
// K003 ranks A first with its share and calls and names it dominant; D and pgcheckup's own
// statements are absent; K001's totals are the sum of K003's rows and others; K002 types
// A as SELECT and B as INSERT.
func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"pg_stat_statements.track_planning": "on"}})
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements; CREATE TABLE k (id int, v text); CREATE TABLE d_only (id int)`)
	cl.MustExec(t, "postgres", "SELECT count(*) FROM d_only WHERE id > 41")
	v, node, s := measure(t, cl, pgtest.Superuser, func() {
		for range 10 {
			cl.MustExec(t, "postgres", "SELECT pg_sleep(0.12) AS a_heavy")
		}
		for range 30 {
			cl.MustExec(t, "postgres", "INSERT INTO k SELECT g, 'secret-literal' FROM generate_series(1, 200) g")
		}
	})
	out := run(t, k003.New(), v, node, s)
	d := out.Data.(k003.Data)
	if len(d.Top) < 2 || !strings.Contains(string(d.Top[0].Query), "pg_sleep") || d.Top[0].Calls != 10 || d.Top[0].SharePercent < 80 ||
		d.Top[0].TotalMS < 1200 || d.Top[0].QueryID == nil || d.Top[0].User != pgtest.Superuser || d.Top[0].Database != "postgres" {
		t.Fatalf("top %+v", d.Top)
	}
	var calls int64
	var share float64
	insert := false
	for _, r := range d.Top {
		calls += r.Calls
		share += r.SharePercent
		q := string(r.Query)
		if strings.Contains(q, "d_only") || strings.Contains(q, "pgcheckup") || strings.Contains(q, "secret-literal") {
			t.Errorf("listed: %s", q)
		}
		if strings.HasPrefix(q, "INSERT INTO k") && r.Calls == 30 {
			insert = true
		}
	}
	if !insert {
		t.Errorf("the INSERT is missing: %+v", d.Top)
	}
	if share += d.Others.SharePercent; share < 99.999 || share > 100.001 {
		t.Errorf("shares add up to %v", share)
	}
	if f := out.Findings; len(f) != 1 || f[0].Code != "K003/dominant-statement" {
		t.Errorf("findings %+v", f)
	}
	md := checktest.Template(t, "K003", out.Data)
	if !strings.Contains(md, "| 1 |") || !strings.Contains(md, "`SELECT pg_sleep($1) AS a_heavy`") || !strings.Contains(md, "Window of ") {
		t.Errorf("markdown:\n%s", md)
	}
	checktest.TableRows(t, md, 12)

	o1 := run(t, k001.New(), v, node, s)
	k1 := o1.Data.(k001.Data)
	if int64(k1.Totals.Calls.Total) != calls+d.Others.Calls || k1.Totals.TimeMS.Total-d.TotalMS > 1e-6 || d.TotalMS-k1.Totals.TimeMS.Total > 1e-6 {
		t.Errorf("K001 %v calls %v ms; K003 %d+%d calls, %v ms", k1.Totals.Calls.Total, k1.Totals.TimeMS.Total, calls, d.Others.Calls, d.TotalMS)
	}
	plan := node.VersionNum >= 130000 // pg_stat_statements 1.8
	if k1.Window.Own == 0 || k1.Window.PlanTracked != plan || (k1.Totals.PlanMS != nil) != plan || k1.Window.WALTracked != plan {
		t.Errorf("window %+v", k1.Window)
	}
	// On 12 the setting is a placeholder ("on" in the file) that tracks nothing.
	if f := o1.Findings; plan && len(f) != 0 || !plan && (len(f) != 1 || !strings.Contains(f[0].Conclusion, "has no planning counters")) {
		t.Errorf("K001 findings %+v", f)
	}
	k2 := run(t, k002.New(), v, node, s).Data.(k002.Data)
	types := map[checks.Label]int64{}
	for _, x := range k2.Types {
		types[x.Type] = x.Calls
	}
	if types["SELECT"] < 10 || types["INSERT"] != 30 || k2.Calls != calls+d.Others.Calls {
		t.Errorf("K002 %+v", k2.Types)
	}
}

// TestWithoutReadAllStats: a role without pg_read_all_stats sees other roles' statements
// without queryid or text. They are listed as hidden with their times and calls, and a
// finding gives the GRANT that shows them.
func TestWithoutReadAllStats(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements; CREATE TABLE k (id int); CREATE ROLE plain LOGIN`)
	v, node, s := measure(t, cl, "plain", func() {
		for range 5 {
			cl.MustExec(t, "postgres", "SELECT pg_sleep(0.02)")
		}
	})
	out := run(t, k003.New(), v, node, s)
	d := out.Data.(k003.Data)
	if len(d.Top) == 0 || !d.Top[0].Hidden || d.Top[0].QueryID != nil || d.Top[0].Query != "" || d.Top[0].Calls < 5 || d.Top[0].User != pgtest.Superuser {
		t.Fatalf("top %+v", d.Top)
	}
	var hidden []checks.Finding
	for _, f := range out.Findings {
		if f.Code == "K003/texts-hidden" {
			hidden = append(hidden, f)
		}
	}
	if len(hidden) != 1 || !strings.Contains(hidden[0].Recommendation, "`GRANT pg_read_all_stats TO plain;`") {
		t.Errorf("findings %+v", out.Findings)
	}
	md := checktest.Template(t, "K003", out.Data)
	if !strings.Contains(md, "hidden: other roles' statements") {
		t.Errorf("markdown:\n%s", md)
	}
}
