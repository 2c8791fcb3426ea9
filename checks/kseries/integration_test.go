package kseries_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/k004"
	"github.com/pgcheckup/pgcheckup/checks/k005"
	"github.com/pgcheckup/pgcheckup/checks/k006"
	"github.com/pgcheckup/pgcheckup/checks/k007"
	"github.com/pgcheckup/pgcheckup/checks/k008"
	"github.com/pgcheckup/pgcheckup/checks/kseries"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// TestOnRealServer: a known workload inside a window on a real server, the view built as
// the pipeline builds it (two snapshots, deltas, texts, names), and K004-K008 run on it.
// B sorts with a tiny work_mem (temporary files), C inserts (WAL), E scans a table larger
// than the (small) shared buffers, D runs only before the window.
func TestOnRealServer(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"shared_buffers": "2MB"}})
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements; CREATE TABLE c_target (id int, v text);
		CREATE TABLE d_only (id int); CREATE TABLE e_big AS SELECT g AS id, repeat('x', 200) AS pad FROM generate_series(1, 60000) g`)
	cl.MustExec(t, "postgres", "SELECT count(*) FROM d_only WHERE id > 41")
	cfg, err := pgx.ParseConfig(cl.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Connect(ctx, cfg, session.Options{StatementTimeout: time.Minute, LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)

	prev, err := workload.Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		cl.MustExec(t, "postgres", "SET work_mem = '64kB'; SELECT g, md5(g::text) AS b_spill FROM generate_series(1, 50000) g ORDER BY 2 OFFSET 49999")
	}
	cl.MustExec(t, "postgres", "INSERT INTO c_target SELECT g, 'c-wal-secret' FROM generate_series(1, 20000) g")
	for range 3 {
		cl.MustExec(t, "postgres", "SELECT count(*) AS e_scan FROM e_big WHERE pad <> 'e-secret'")
	}
	time.Sleep(10 * time.Millisecond)
	cur, err := workload.Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	w, err := workload.Delta(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	v := &workload.View{Source: workload.SourceWindow, Window: w}
	var sqls []string
	for _, q := range workload.Queries() {
		sqls = append(sqls, q.SQL)
	}
	v.Texts, err = workload.FetchTexts(ctx, s, cur.ExtSchema, workload.Candidates(w, 60, workload.AllMeasures...),
		workload.OwnFingerprints(cur.ExtSchema, sqls), nil)
	if err != nil {
		t.Fatal(err)
	}
	var users, dbs []uint32
	for _, d := range w.Deltas {
		users, dbs = append(users, d.UserID), append(dbs, d.DBID)
	}
	slices.Sort(users)
	slices.Sort(dbs)
	if v.Users, v.Databases, err = workload.Names(ctx, s, slices.Compact(users), slices.Compact(dbs)); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL %d, pg_stat_statements %s, window %.2fs, %d deltas", cur.ServerVersion, cur.ExtVersion, w.Seconds, len(w.Deltas))

	runCheck := func(c checks.Check) (*checks.Outcome, kseries.Listing, string) {
		t.Helper()
		o, err := c.Run(ctx, &checks.Target{Workload: v})
		if err != nil {
			t.Fatal(err)
		}
		if o.Skip != nil {
			return o, kseries.Listing{}, ""
		}
		l := reflectListing(t, o.Data)
		md := checktest.Template(t, c.Meta().ID, o.Data)
		for _, secret := range []string{"c-wal-secret", "e-secret", "64kB"} {
			if strings.Contains(md, secret) {
				t.Errorf("%s: a literal in the Markdown: %s", c.Meta().ID, secret)
			}
		}
		for _, r := range l.Rows {
			if strings.Contains(string(r.Query), "pgcheckup") {
				t.Errorf("%s lists pgcheckup's own statement: %s", c.Meta().ID, r.Query)
			}
		}
		return o, l, md
	}
	top := func(l kseries.Listing) string {
		if len(l.Rows) == 0 {
			return ""
		}
		return string(l.Rows[0].Query)
	}

	o, l, md := runCheck(k004.New())
	if !strings.Contains(top(l), "b_spill") || l.Rows[0].Calls != 3 || l.Rows[0].Bytes <= 0 {
		t.Errorf("K004 should list B first: %+v\n%s", l.Rows, md)
	}
	if f := o.Findings; len(f) == 0 || f[0].Code != "K004/temp-spill" || !strings.Contains(f[0].Conclusion, "queryid") {
		t.Errorf("K004 findings %+v", f)
	}
	if l.Window.Source != "window" || l.Window.AttributedPercent != 100 {
		t.Errorf("K004 window %+v", l.Window)
	}

	o, l, md = runCheck(k005.New())
	if cur.ServerVersion < 130000 {
		if o.Skip == nil || !strings.Contains(o.Skip.Reason, "does not count WAL") {
			t.Errorf("K005 on %d: %+v", cur.ServerVersion, o)
		}
	} else if !strings.HasPrefix(top(l), "INSERT INTO c_target") || l.Rows[0].WALRecords < 20000 {
		t.Errorf("K005 should list C first: %+v\n%s", l.Rows, md)
	}

	o, l, md = runCheck(k006.New())
	if !strings.Contains(top(l), "e_scan") || l.Rows[0].HitPercent == nil || *l.Rows[0].HitPercent > 50 {
		t.Errorf("K006 should list E first, mostly read: %+v\n%s", l.Rows, md)
	}
	if f := o.Findings; len(f) == 0 || f[0].Code != "K006/low-hit-ratio" {
		t.Errorf("K006 findings %+v", f)
	}
	t.Logf("K006:\n%s", md)

	_, l, _ = runCheck(k007.New())
	if len(l.Rows) == 0 || l.TotalSharedHit == 0 {
		t.Errorf("K007 rows %+v", l.Rows)
	}

	o, l, md = runCheck(k008.New())
	if l.TotalHitPercent == nil || len(o.Findings) != 1 || o.Findings[0].Code != "K008/low-hit-ratio" {
		t.Errorf("K008 hit %v findings %+v\n%s", l.TotalHitPercent, o.Findings, md)
	}
	for _, id := range []string{"d_only"} {
		for _, r := range l.Rows {
			if strings.Contains(string(r.Query), id) {
				t.Errorf("D ran only before the window, yet K008 lists it: %+v", r)
			}
		}
	}
}

// reflectListing takes the kseries.Listing out of a check's Data.
func reflectListing(t *testing.T, data any) kseries.Listing {
	t.Helper()
	switch d := data.(type) {
	case k004.Data:
		return d.Listing
	case k005.Data:
		return d.Listing
	case k006.Data:
		return d.Listing
	case k007.Data:
		return d.Listing
	case k008.Data:
		return d.Listing
	}
	t.Fatalf("data %T", data)
	return kseries.Listing{}
}
