package f002

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestCleanServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if len(d.Databases) != 3 || d.Database != "postgres" || len(d.Tables) == 0 || d.FreezeMaxAge != 200_000_000 {
		t.Fatalf("data %+v", d)
	}
	if (cl.Major >= 14) != (d.FailsafeAge != nil) {
		t.Errorf("failsafe age %v on %d", d.FailsafeAge, cl.Major)
	}
}

// TestOverdueTable lowers autovacuum_freeze_max_age to its minimum, holds a snapshot so
// that no vacuum can freeze past it, and consumes more transaction IDs than that limit:
// the table stays past its freeze max age, as when autovacuum cannot catch up.
func TestOverdueTable(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"autovacuum_freeze_max_age": "100000"}})
	cl.MustExec(t, "postgres", `CREATE TABLE old_t (id int, payload text);
		INSERT INTO old_t VALUES (1, 'x');
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
	// Each subtransaction that writes takes its own transaction ID.
	cl.MustExec(t, "postgres", `DO $$ BEGIN FOR i IN 1..110000 LOOP
		BEGIN INSERT INTO burn VALUES (i); EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$`)

	c := New()
	c.cfg.TopN = 1000 // every table: the catalogs are older than old_t
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	var sawTable, sawToast bool
	for _, tb := range d.Tables {
		if tb.Schema == "public" && tb.Name == "old_t" {
			if tb.XIDAge <= 100000 || tb.FreezeMaxAge != 100000 {
				t.Errorf("old_t: %+v", tb)
			}
			if tb.Toast == "" {
				sawTable = true
			} else {
				sawToast = true
			}
		}
	}
	if !sawTable || !sawToast {
		t.Fatalf("old_t (%v) or its TOAST table (%v) missing from %+v", sawTable, sawToast, d.Tables)
	}
	f := r.WithCode("F002/table-freeze-overdue")
	if len(f) != 1 || f[0].Severity != checks.P2 {
		t.Fatalf("findings %+v", r.Findings)
	}
	if !strings.Contains(f[0].Recommendation, `VACUUM (FREEZE, VERBOSE) "public"."old_t";`) || !strings.Contains(f[0].Recommendation, "C007") {
		t.Errorf("recommendation %s", f[0].Recommendation)
	}
	named := false
	for _, o := range f[0].Objects {
		named = named || o == "public.old_t"
	}
	if !named {
		t.Errorf("objects %v", f[0].Objects)
	}
	if len(r.WithCode("F002/xid-wraparound")) != 0 {
		t.Errorf("110000 IDs are far from wraparound: %+v", r.Findings)
	}
}
