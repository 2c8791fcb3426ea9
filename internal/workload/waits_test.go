package workload

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestSortWaitsAndQueryIDs(t *testing.T) {
	got := sortWaits(map[waitKey]int{
		{"Lock", "relation", 7}: 3, {CPU, CPU, 0}: 5, {"IO", "DataFileRead", 7}: 3, {"Lock", "relation", -2}: 3,
		{"Timeout", "PgSleep", 9}: 1,
	})
	want := []Wait{{CPU, CPU, 0, 5}, {"IO", "DataFileRead", 7, 3}, {"Lock", "relation", -2, 3},
		{"Lock", "relation", 7, 3}, {"Timeout", "PgSleep", 9, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("sortWaits = %v, want %v", got, want)
	}
	p := &WaitProfile{Waits: got}
	if ids := p.QueryIDs(); !slices.Equal(ids, []int64{-2, 7, 9}) {
		t.Errorf("QueryIDs = %v", ids)
	}
	if (*WaitProfile)(nil).QueryIDs() != nil {
		t.Error("a nil profile has queryids")
	}
}

func TestWaitQueriesPick(t *testing.T) {
	for v, want := range map[int]string{120022: waitsQuery, 130023: waitsQuery, 140000: waitsQuery14, 180004: waitsQuery14} {
		if got, ok := pickWaits(v); !ok || got != want {
			t.Errorf("version %d: got %q", v, got)
		}
	}
}

func pickWaits(v int) (string, bool) {
	for _, q := range WaitQueries() {
		if q.Name == "waits.sql" && (q.MinVersion == 0 || v >= q.MinVersion) && (q.MaxVersion == 0 || v < q.MaxVersion) {
			return q.SQL, true
		}
	}
	return "", false
}

// TestSampleWaitsOnRealServer: one session sleeps in pg_sleep, one waits for a table lock
// another holds, one for a row another updated; the samples see the three, each once per
// sample, and not the sampling session itself. queryids from 14 on (compute_query_id is
// auto, pg_stat_statements loaded), 0 before; and 0 for the statement waiting for the
// table lock: it waits while being parsed, before its queryid is computed.
func TestSampleWaitsOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE TABLE locked (id int); CREATE TABLE row_locked (id int); INSERT INTO row_locked VALUES (1)")
	cl.Hold(t, "postgres", "BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE")
	cl.Hold(t, "postgres", "BEGIN; UPDATE row_locked SET id = 2")
	bg, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { stop(); wg.Wait() })
	for _, sql := range []string{"SELECT pg_sleep(60)", "SELECT count(*) FROM locked", "UPDATE row_locked SET id = 3"} {
		conn, err := cl.Connect(bg, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close(context.Background())
			_, _ = conn.Exec(bg, sql) // ends when the test cancels it
		}()
	}
	s := open(t, cl)
	waitUntil(t, func() bool {
		p, err := SampleWaits(context.Background(), s, time.Millisecond, 1)
		return err == nil && len(p.Waits) == 3 && !slices.ContainsFunc(p.Waits, func(w Wait) bool { return w.Type == CPU })
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	started := time.Now()
	p, err := SampleWaits(ctx, s, 50*time.Millisecond, 4)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(started); p.Samples != 4 || took < 150*time.Millisecond || took > 5*time.Second {
		t.Errorf("%d samples in %s, want 4 about 50ms apart", p.Samples, took)
	}
	t.Logf("PostgreSQL %d: %+v", cl.Major, p.Waits)
	seen := map[string]Wait{}
	for _, w := range p.Waits {
		seen[string(w.Type)+"/"+string(w.Event)] = w
	}
	for k, hasID := range map[string]bool{"Timeout/PgSleep": cl.Major >= 14, "Lock/transactionid": cl.Major >= 14, "Lock/relation": false} {
		w, ok := seen[k]
		switch {
		case !ok:
			t.Errorf("%s not seen in %+v", k, p.Waits)
		case w.Count != 4:
			t.Errorf("%s seen %d times, want once per sample", k, w.Count)
		case hasID != (w.QueryID != 0):
			t.Errorf("%s: queryid %d on %d", k, w.QueryID, cl.Major)
		}
	}
	if len(p.Waits) != 3 {
		t.Errorf("more than the three sessions seen (the sampling session itself?): %+v", p.Waits)
	}
	if ids := p.QueryIDs(); cl.Major >= 14 && len(ids) != 2 {
		t.Errorf("QueryIDs %v", ids)
	}

	// The end of ctx is the normal end, with what was sampled; the session stays usable.
	short, cancel2 := context.WithTimeout(context.Background(), 120*time.Millisecond)
	defer cancel2()
	p, err = SampleWaits(short, s, 50*time.Millisecond, 0)
	if err != nil || p.Samples < 2 || p.Samples > 4 {
		t.Errorf("until the context ends: %d samples, %v", p.Samples, err)
	}
	if p, err := SampleWaits(short, s, time.Second, 0); err != nil || p.Samples != 0 {
		t.Errorf("an ended context: %d samples, %v", p.Samples, err)
	}
	if p, err := SampleWaits(context.Background(), s, time.Second, 1); err != nil || p.Samples != 1 {
		t.Errorf("the session after the window: %d samples, %v", p.Samples, err)
	}
	if _, err := SampleWaits(context.Background(), s, 0, 1); err == nil {
		t.Error("a zero interval is accepted")
	}
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("the sessions did not start waiting within 10s")
}
