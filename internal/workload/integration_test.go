package workload

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/session"
)

// open is pgcheckup's own kind of session (read-only, search_path pg_catalog).
func open(t testing.TB, cl *pgtest.Cluster) *session.Session {
	t.Helper()
	cfg, err := pgx.ParseConfig(cl.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Connect(context.Background(), cfg, session.Options{StatementTimeout: time.Minute, LockTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// TestWindowOnRealServer: a known workload between two snapshots. A sleeps (most of the
// time), B sorts with a tiny work_mem (temporary files), C inserts (WAL), D runs only
// before the window.
func TestWindowOnRealServer(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"track_io_timing": "on"}})
	s := open(t, cl)
	if _, err := Take(ctx, s); err != ErrNotInstalled {
		t.Fatalf("without the extension: %v", err)
	}
	cl.MustExec(t, "postgres", `CREATE EXTENSION pg_stat_statements; CREATE TABLE c_target (id int, v text);
		CREATE TABLE d_only (id int)`)
	cl.MustExec(t, "postgres", "SELECT count(*) FROM d_only WHERE id > 41")
	prev, err := Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		cl.MustExec(t, "postgres", "SELECT pg_sleep(0.4) AS a_heavy")
	}
	cl.MustExec(t, "postgres", "SET work_mem = '64kB'; SELECT g, md5(g::text) AS b_spill FROM generate_series(1, 20000) g ORDER BY 2 OFFSET 19999")
	cl.MustExec(t, "postgres", "INSERT INTO c_target SELECT g, 'c-wal' FROM generate_series(1, 5000) g")
	time.Sleep(10 * time.Millisecond)
	cur, err := Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL %d, pg_stat_statements %s, features %+v, %d entries", cur.ServerVersion, cur.ExtVersion, cur.Features, len(cur.Entries))
	w, err := Delta(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, d := range w.Deltas {
		ids = append(ids, d.QueryID)
	}
	var sqls []string
	for _, q := range Queries() {
		sqls = append(sqls, q.SQL)
	}
	texts, err := FetchTexts(ctx, s, cur.ExtSchema, append(ids, prevIDs(prev)...), OwnFingerprints(cur.ExtSchema, sqls), nil)
	if err != nil {
		t.Fatal(err)
	}
	// every snapshot statement in the stats is recognized as pgcheckup's (PostgreSQL 12
	// does not count the read of pg_stat_statements itself)
	for id, x := range texts.ByID {
		q := privacy.NormalizeQuery(string(x.Query))
		if ours := strings.HasPrefix(q, "SELECT e.extversion") || strings.HasPrefix(q, "SELECT s.*") ||
			strings.HasPrefix(q, "SELECT i.dealloc"); ours != texts.Own[id] {
			t.Errorf("queryid %d own %v: %s", id, texts.Own[id], q)
		}
	}
	if len(texts.Own) == 0 {
		t.Error("pgcheckup's own statements were not recognized")
	}
	find := func(marker string) *EntryDelta {
		for i, d := range w.Deltas {
			if strings.Contains(string(texts.ByID[d.QueryID].Query), marker) {
				return &w.Deltas[i]
			}
		}
		return nil
	}
	a, b, c := find("a_heavy"), find("b_spill"), find("INSERT INTO c_target")
	if a == nil || b == nil || c == nil {
		t.Fatalf("a %v b %v c %v in %+v", a, b, c, w.Deltas)
	}
	if d := find("d_only"); d != nil {
		t.Errorf("D ran only before the window, yet it has a delta: %+v", d)
	}
	var ownMS float64
	for _, d := range w.Deltas {
		if texts.Own[d.QueryID] {
			ownMS += d.TimeMS()
		}
	}
	total := w.Totals.TimeMS() - ownMS
	share := a.TimeMS() / total
	t.Logf("window %.2fs: A %.0f ms (%.0f%%, %d calls), B temp written %d, C WAL %.0f bytes, own %.1f ms, attributed %.2f",
		w.Seconds, a.TimeMS(), 100*share, a.Calls, b.TempWritten, c.WALBytes, ownMS, w.Attributed)
	for _, d := range w.Deltas[:min(5, len(w.Deltas))] {
		t.Logf("  %.1f ms %d calls %s: %.60s", d.TimeMS(), d.Calls, d.Status, texts.ByID[d.QueryID].Query)
	}
	if w.Deltas[0].QueryID != a.QueryID || a.Calls != 4 || a.TimeMS() < 1590 || share < 0.5 {
		t.Errorf("A should lead with 4 calls and 1.6 s: %+v, share %.2f", a, share)
	}
	if b.TempWritten == 0 {
		t.Errorf("B wrote no temporary blocks: %+v", b)
	}
	if texts.ByID[a.QueryID].Type != TypeSelect || texts.ByID[c.QueryID].Type != TypeInsert {
		t.Errorf("types %s, %s", texts.ByID[a.QueryID].Type, texts.ByID[c.QueryID].Type)
	}
	if strings.Contains(string(texts.ByID[c.QueryID].Query), "c-wal") {
		t.Errorf("a literal survived: %s", texts.ByID[c.QueryID].Query)
	}
	if cur.Features.WAL != (cur.ServerVersion >= 130000) {
		t.Errorf("WAL counters: %v on %d", cur.Features.WAL, cur.ServerVersion)
	}
	if cur.Features.WAL && (c.WALBytes <= 0 || c.WALRecords < 5000) {
		t.Errorf("C wrote no WAL: %+v", c)
	}
	if cur.Features.Info != (cur.ServerVersion >= 140000) || cur.Features.StatsSince != (cur.ServerVersion >= 170000) {
		t.Errorf("features %+v on %d", cur.Features, cur.ServerVersion)
	}
	if w.Reset || w.Attributed != 1 || w.Restarted != 0 || w.Unknown != 0 {
		t.Errorf("window %+v", w)
	}

	// A reset between two snapshots is seen, and turns nothing negative.
	cl.MustExec(t, "postgres", "SELECT pg_stat_statements_reset()")
	cl.MustExec(t, "postgres", "SELECT pg_sleep(0.01) AS after_reset")
	after, err := Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	w, err = Delta(cur, after)
	if err != nil {
		t.Fatal(err)
	}
	if !w.Reset || (cur.Features.Info && w.ResetAt == nil) {
		t.Errorf("the reset went unseen: %+v", w)
	}
	noNegatives(t, w, after)

	// A restart is refused.
	if err := cl.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	s = open(t, cl)
	restarted, err := Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Delta(after, restarted); err == nil || !strings.Contains(err.Error(), "restarted") {
		t.Errorf("delta across a restart: %v", err)
	}
}

func prevIDs(s *Snapshot) []int64 {
	var ids []int64
	for _, e := range s.Entries {
		ids = append(ids, e.QueryID)
	}
	return ids
}
