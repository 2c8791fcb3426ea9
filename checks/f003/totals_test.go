package f003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestTotals: with top_n 2, fifteen tables with dead tuples, never analyzed, past their
// autovacuum and autoanalyze triggers are all counted, not only the listed ones.
func TestTotals(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		DO $$ BEGIN FOR i IN 1..15 LOOP
			EXECUTE format('CREATE TABLE dead%s (id int) WITH (autovacuum_enabled = false)', i);
			EXECUTE format('INSERT INTO dead%s SELECT generate_series(1, 20000)', i);
			EXECUTE format('DELETE FROM dead%s WHERE id > 5000', i);
		END LOOP; END $$;
		CREATE TABLE fine_t (id int);
		INSERT INTO fine_t SELECT generate_series(1, 100);`)
	waitStats(t, cl, `(SELECT count(*) = 15 FROM pg_stat_user_tables WHERE relname LIKE 'dead%' AND n_dead_tup = 15000)
		AND (SELECT n_mod_since_analyze = 100 FROM pg_stat_user_tables WHERE relname = 'fine_t')`)
	cl.MustExec(t, "postgres", "VACUUM ANALYZE fine_t")
	waitStats(t, cl, `(SELECT n_mod_since_analyze = 0 FROM pg_stat_user_tables WHERE relname = 'fine_t')`)

	c := New()
	c.cfg.TopN = 2
	r := checktest.Run(t, cl, c, checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	for code, want := range map[string]int{"F003/dead-tuples": 15, "F003/never-analyzed": 15,
		"F003/past-vacuum-trigger": 15, "F003/past-analyze-trigger": 15} {
		n := 0
		for _, f := range r.WithCode(code) {
			n += f.Weight()
		}
		if n != want {
			t.Errorf("%s counts %d tables, want %d", code, n, want)
		}
	}
	if len(r.WithCode("F003/stale-statistics")) != 0 {
		t.Errorf("never-analyzed tables are not stale: %+v", r.WithCode("F003/stale-statistics"))
	}
	var d Data
	r.Decode(t, &d)
	if len(d.Tables) > 8 {
		t.Errorf("top_n 2 over four rankings lists at most 8 tables, got %d", len(d.Tables))
	}
}
