package h004

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// The rules each access method allows, checked on a server beforehand: EXPLAIN shows a
// Bitmap Index Scan on gin (a, b) for a search on b alone, and on gist (p, q) for a
// search on p.
const nonBtreeFixture = `
CREATE TABLE g (a int[], b int[], c int[], t text);
CREATE INDEX g_a_b ON g USING gin (a, b);
CREATE INDEX g_b ON g USING gin (b);              -- any subset of a GIN index: redundant
CREATE INDEX g_b_a ON g USING gin (b, a);         -- the same columns in another order: the newer goes
CREATE INDEX g_c ON g USING gin (c);              -- not in any other GIN index
CREATE INDEX g_t ON g (t);                       -- btree on t: no GIN covers it
CREATE TABLE s (p box, q box, r box);
CREATE INDEX s_p_q ON s USING gist (p, q);
CREATE INDEX s_p ON s USING gist (p);             -- leading column of a GiST index: redundant, uncertain
CREATE INDEX s_q ON s USING gist (q);             -- not leading: kept
CREATE TABLE h (x int, y int);
CREATE INDEX h_x_1 ON h USING hash (x);
CREATE INDEX h_x_2 ON h USING hash (x);           -- identical hash: duplicate
CREATE INDEX h_x_btree ON h (x);                  -- other access method: kept
CREATE INDEX h_x_brin ON h USING brin (x) WITH (pages_per_range = 16);
CREATE INDEX h_x_brin_128 ON h USING brin (x);    -- other pages_per_range: not a duplicate
CREATE INDEX h_x_y_brin ON h USING brin (x, y);   -- BRIN: identical only, so h_x_brin stays
CREATE INDEX h_x_brin_again ON h USING brin (x) WITH (pages_per_range = 16); -- identical BRIN: duplicate
CREATE TABLE sp (p point);
CREATE INDEX sp_1 ON sp USING spgist (p);
CREATE INDEX sp_2 ON sp USING spgist (p);         -- identical SP-GiST: duplicate
ANALYZE;
`

func TestNonBtreeRules(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", nonBtreeFixture)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]Index{}
	for _, x := range d.Indexes {
		got[x.Drop] = x
	}
	want := map[checks.Name]struct {
		keep checks.Name
		rule checks.Label
		dup  bool
		sev  checks.Severity
	}{
		"g_b":            {"g_a_b", "gin-subset", false, checks.P3},
		"g_b_a":          {"g_a_b", "gin-subset", false, checks.P3},
		"s_p":            {"s_p_q", "gist-prefix", false, checks.Info},
		"h_x_2":          {"h_x_1", "same-keys", true, checks.P3},
		"h_x_brin_again": {"h_x_brin", "same-keys", true, checks.P3},
		"sp_2":           {"sp_1", "same-keys", true, checks.P3},
	}
	for drop, w := range want {
		x, ok := got[drop]
		if !ok {
			t.Errorf("%s not reported (got %+v)", drop, d.Indexes)
			continue
		}
		if x.Keep != w.keep || x.Rule != w.rule || x.Duplicate != w.dup {
			t.Errorf("%s: keep %s rule %q dup %v, want keep %s rule %q dup %v", drop, x.Keep, x.Rule, x.Duplicate, w.keep, w.rule, w.dup)
		}
	}
	if len(d.Indexes) != len(want) {
		t.Errorf("got %d indexes, want %d: %+v", len(d.Indexes), len(want), d.Indexes)
	}
	sevs := map[checks.Severity]int{}
	for _, f := range append(r.WithCode("H004/redundant-index"), r.WithCode("H004/duplicate-index")...) {
		sevs[f.Severity]++
	}
	if sevs[checks.Info] != 1 || sevs[checks.P3] != 5 {
		t.Errorf("severities %v, want 1 info (the GiST prefix) and 5 P3", sevs)
	}

	// Dropping what it proposes leaves nothing to report.
	for _, x := range d.Indexes {
		cl.MustExec(t, "postgres", string(x.DropSQL))
	}
	r = checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
}

// Every redundant index is counted, listed or not, with the severity it would have.
func TestUnlistedCounted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		DO $$ BEGIN FOR i IN 1..7 LOOP
			EXECUTE pg_catalog.format('CREATE TABLE u%s (a int, b int, p box, q box)', i);
			EXECUTE pg_catalog.format('CREATE INDEX ON u%s (a, b)', i);
			EXECUTE pg_catalog.format('CREATE INDEX ON u%s (a)', i);
		END LOOP; END $$;
		DO $$ BEGIN FOR i IN 1..4 LOOP
			EXECUTE pg_catalog.format('CREATE INDEX ON u%s USING gist (p, q)', i);
			EXECUTE pg_catalog.format('CREATE INDEX ON u%s USING gist (p)', i);
		END LOOP; END $$;
		ANALYZE;`)
	c := New()
	c.cfg.TopN = 2
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.Total != 11 || len(d.Indexes) != 2 {
		t.Fatalf("total %d, listed %d, want 11 and 2", d.Total, len(d.Indexes))
	}
	counted := map[checks.Severity]int{}
	for _, f := range r.Findings {
		if f.Code == "H004/redundant-index" || f.Code == "H004/duplicate-index" {
			counted[f.Severity] += f.Weight()
		}
	}
	if counted[checks.P3] != 7 || counted[checks.Info] != 4 {
		t.Errorf("counted %v, want 7 P3 and 4 info", counted)
	}
}
