package h003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// fixture18 plants what 18 adds: a NOT ENFORCED foreign key (no RI triggers, so deletes
// never read the referencing table) and temporal foreign keys with each kind of index.
const fixture18 = `
CREATE EXTENSION btree_gist;
CREATE TABLE parent (id int PRIMARY KEY);
INSERT INTO parent SELECT generate_series(1, 100);
CREATE TABLE loose (pid int);
INSERT INTO loose SELECT g FROM generate_series(1, 5000) g;                 -- orphans are allowed
ALTER TABLE loose ADD CONSTRAINT loose_fk FOREIGN KEY (pid) REFERENCES parent NOT ENFORCED;
CREATE TABLE tp (id int, valid_at daterange, PRIMARY KEY (id, valid_at WITHOUT OVERLAPS));
INSERT INTO tp SELECT g, daterange('2000-01-01', NULL) FROM generate_series(1, 5000) g;
CREATE TABLE t_none (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at));
CREATE TABLE t_eq (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at));
CREATE INDEX t_eq_idx ON t_eq (tid);                                      -- equality column only
CREATE TABLE t_btree (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at));
CREATE INDEX t_btree_idx ON t_btree (tid, valid_at);                      -- btree cannot use &&, but tid leads
CREATE TABLE t_gist (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at));
CREATE INDEX t_gist_idx ON t_gist USING gist (tid, valid_at);
CREATE TABLE t_gist_rev (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at));
CREATE INDEX t_gist_rev_idx ON t_gist_rev USING gist (valid_at, tid);     -- both columns, GiST: any order
CREATE TABLE t_period (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at));
CREATE INDEX t_period_idx ON t_period (valid_at, tid);                    -- btree led by the period: no
CREATE TABLE t_loose (tid int, valid_at daterange, FOREIGN KEY (tid, PERIOD valid_at) REFERENCES tp (id, PERIOD valid_at) NOT ENFORCED);
`

// temporalRows fills a referencing table so that the planner has a reason to use an index.
func temporalRows(table string) string {
	return "INSERT INTO " + table + " SELECT g % 5000 + 1, daterange('2001-01-01'::date + g % 7, NULL) FROM generate_series(1, 20000) g;"
}

var temporalTables = []string{"t_none", "t_eq", "t_btree", "t_gist", "t_gist_rev", "t_period", "t_loose"}

// TestPG18: a NOT ENFORCED foreign key is never flagged; a temporal one is judged by the
// indexes that serve its lookup ("tid = $1 AND valid_at && $2"): every index the
// planner uses for that lookup is accepted, and the proposed index is one it uses.
func TestPG18(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if cl.Major < 18 {
		t.Skip("NOT ENFORCED and temporal foreign keys are new in 18")
	}
	cl.MustExec(t, "postgres", fixture18)
	for _, table := range temporalTables {
		cl.MustExec(t, "postgres", temporalRows(table))
	}
	cl.MustExec(t, "postgres", "ANALYZE")

	r := checktest.Run(t, cl, New(), checktest.Options{})
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]FK{}
	for _, f := range d.FKs {
		got[f.Table] = f
	}
	for _, table := range []checks.Name{"loose", "t_loose"} {
		if _, ok := got[table]; ok {
			t.Errorf("NOT ENFORCED foreign key of %s flagged: it has no triggers", table)
		}
	}
	for _, table := range []checks.Name{"t_eq", "t_btree", "t_gist", "t_gist_rev"} {
		if _, ok := got[table]; ok {
			t.Errorf("temporal foreign key of %s flagged although an index serves it", table)
		}
		if idx := plannerIndex(t, cl, string(table)); idx == "" {
			t.Errorf("the planner uses no index of %s for the lookup", table)
		}
	}
	for _, table := range []checks.Name{"t_none", "t_period"} {
		if _, ok := got[table]; !ok {
			t.Errorf("temporal foreign key of %s not flagged", table)
		}
		if idx := plannerIndex(t, cl, string(table)); idx != "" {
			t.Errorf("the planner uses %s for the lookup on %s, yet it is flagged", idx, table)
		}
	}
	if f := got["t_none"]; f.Fix != "CREATE INDEX CONCURRENTLY ON public.t_none USING gist (tid, valid_at);" || f.Period != "valid_at" {
		t.Errorf("t_none: fix %q, period %q", f.Fix, f.Period)
	}
	if d.Total != 2 {
		t.Errorf("total %d, want 2: %v", d.Total, keys(got))
	}
	for _, f := range r.WithCode("H003/fk-without-index") {
		if strings.Contains(f.Conclusion, "t_none") && !strings.Contains(f.Recommendation, "btree_gist") {
			t.Errorf("the GiST fix does not say it needs btree_gist: %s", f.Recommendation)
		}
	}

	// Following the fixes clears the findings, and the planner uses the new indexes.
	followFixes(t, cl, "postgres")
	for _, table := range []string{"t_none", "t_period"} {
		if idx := plannerIndex(t, cl, table); idx == "" {
			t.Errorf("after the fix the planner still uses no index of %s", table)
		}
	}
}

// plannerIndex returns the index the planner's generic plan uses for the lookup the
// temporal foreign key's triggers run on table, or "" when it scans the table.
func plannerIndex(t *testing.T, cl *pgtest.Cluster, table string) string {
	t.Helper()
	conn, err := cl.Connect(t.Context(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	// The triggers' plans are cached: after five runs the generic plan, which knows
	// nothing of the parameters, is the one that counts.
	for _, sql := range []string{"SET plan_cache_mode = force_generic_plan",
		"PREPARE lookup(int, daterange) AS SELECT 1 FROM ONLY " + table + " x WHERE $1 = tid AND $2 && valid_at FOR KEY SHARE OF x"} {
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := conn.Query(t.Context(), "EXPLAIN EXECUTE lookup(1, '[2001-01-01,)')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		if i := strings.Index(line, " using "); i >= 0 {
			return strings.Fields(line[i+len(" using "):])[0]
		}
		if i := strings.Index(line, "Bitmap Index Scan on "); i >= 0 {
			return strings.Fields(line[i+len("Bitmap Index Scan on "):])[0]
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ""
}
