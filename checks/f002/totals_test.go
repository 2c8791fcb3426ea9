package f002

import (
	"context"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestOverdueCountedBeyondTopN: with top_n 2 the oldest relations listed are two older
// tables, still within autovacuum_freeze_max_age; a younger table whose own, lower
// autovacuum_freeze_max_age it has passed (and its TOAST table, which follows it) are not
// listed, and must still be counted.
func TestOverdueCountedBeyondTopN(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"autovacuum_freeze_max_age": "400000"}})
	cl.MustExec(t, "postgres", "CREATE TABLE old1 (id int)")
	cl.MustExec(t, "postgres", "CREATE TABLE old2 (id int)")
	cl.MustExec(t, "postgres", `CREATE TABLE t_opt (id int, payload text) WITH (autovacuum_freeze_max_age = 100000);
		INSERT INTO t_opt VALUES (1, 'x');
		CREATE TABLE burn (i int)`)
	holder, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ"); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", `DO $$ BEGIN FOR i IN 1..110000 LOOP
		BEGIN INSERT INTO burn VALUES (i); EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$`)

	c := New()
	c.cfg.TopN = 2
	r := checktest.Run(t, cl, c, checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	n := 0
	for _, f := range r.WithCode("F002/table-freeze-overdue") {
		n += f.Weight()
	}
	var d Data
	r.Decode(t, &d)
	for _, tb := range d.Tables {
		if tb.Name == "t_opt" {
			t.Fatalf("t_opt must not be among the 2 oldest listed: %+v", d.Tables)
		}
	}
	if n != 2 {
		t.Errorf("F002/table-freeze-overdue counts %d relations, want 2 (t_opt and its TOAST table): %+v", n, r.Findings)
	}
}
