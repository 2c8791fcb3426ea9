package f003

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	clean := checktest.Run(t, cl, New(), checktest.Options{})
	clean.MustStatus(t, checks.StatusOK)

	// Statistics reach the shared counters asynchronously, so each step waits for the
	// previous one to be visible before an ANALYZE resets its counters.
	cl.MustExec(t, "postgres", `
		CREATE TABLE dead_t (id int, pad text) WITH (autovacuum_enabled = false);
		INSERT INTO dead_t SELECT g, 'x' FROM generate_series(1, 20000) g;
		DELETE FROM dead_t WHERE id > 5000;
		CREATE TABLE stale_t (id int) WITH (autovacuum_enabled = false);
		INSERT INTO stale_t SELECT generate_series(1, 20000);
		CREATE TABLE fine_t (id int);
		INSERT INTO fine_t SELECT generate_series(1, 20000);`)
	waitStats(t, cl, `(SELECT n_dead_tup >= 15000 FROM pg_stat_user_tables WHERE relname = 'dead_t')
		AND (SELECT bool_and(n_mod_since_analyze >= 20000) FROM pg_stat_user_tables WHERE relname IN ('stale_t', 'fine_t'))`)
	cl.MustExec(t, "postgres", "ANALYZE stale_t")
	cl.MustExec(t, "postgres", "VACUUM ANALYZE fine_t")
	waitStats(t, cl, `(SELECT bool_and(n_mod_since_analyze = 0) FROM pg_stat_user_tables WHERE relname IN ('stale_t', 'fine_t'))`)
	cl.MustExec(t, "postgres", "INSERT INTO stale_t SELECT generate_series(1, 20000)")
	waitStats(t, cl, `(SELECT n_mod_since_analyze >= 20000 FROM pg_stat_user_tables WHERE relname = 'stale_t')`)

	r := checktest.Run(t, cl, New(), checktest.Options{})
	for code, table := range map[string]checks.Name{
		"F003/dead-tuples": "public.dead_t", "F003/never-analyzed": "public.dead_t", "F003/stale-statistics": "public.stale_t",
	} {
		f := r.WithCode(code)
		if len(f) != 1 || !slices.Equal(f[0].Objects, []checks.Name{table}) {
			t.Errorf("%s: %+v (all: %+v)", code, f, r.Findings)
		}
	}
	var d Data
	r.Decode(t, &d)
	for _, tb := range d.Tables {
		switch tb.Name {
		case "dead_t":
			if tb.AutovacuumEnabled || tb.DeadTuples != 15000 || !tb.NeverAnalyzed {
				t.Errorf("dead_t: %+v", tb)
			}
		case "fine_t":
			t.Errorf("fine_t has nothing to report: %+v", tb)
		}
	}

	s := pgtest.StandbyForTest(t, cl, nil)
	checktest.Run(t, s, New(), checktest.Options{}).MustStatus(t, checks.StatusSkipped)
}

// waitStats waits until cond, a boolean SQL expression over the statistics views, holds.
func waitStats(t *testing.T, cl *pgtest.Cluster, cond string) {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(15 * time.Second)
	for {
		var ok *bool
		err := conn.QueryRow(ctx, "SELECT "+cond).Scan(&ok)
		if err == nil && ok != nil && *ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("statistics never showed %s (%v)", cond, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
