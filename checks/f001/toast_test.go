package f001

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestToastNotCountedAsTable: a table whose autovacuum is off on the table and on its
// TOAST table is one table, not two, in the totals, the finding and its count, even
// beyond the tables listed.
func TestToastNotCountedAsTable(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE both1 (v text) WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off);
		CREATE TABLE both2 (v text) WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off);
		CREATE TABLE both3 (v text) WITH (autovacuum_enabled = off, toast.autovacuum_enabled = off);
		CREATE TABLE toast_only (v text) WITH (toast.autovacuum_enabled = off);
		CREATE TABLE tuned (v text) WITH (autovacuum_vacuum_scale_factor = 0.01, toast.autovacuum_vacuum_scale_factor = 0.01);`)
	c := New()
	c.cfg.MaxTables = 2
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.TablesDisabled != 4 || d.TablesWithOptions != 5 {
		t.Errorf("tables disabled %d (want 4), with options %d (want 5)", d.TablesDisabled, d.TablesWithOptions)
	}
	f := r.WithCode("F001/table-autovacuum-disabled")
	if len(f) != 1 || f[0].Weight() != 4 || !strings.Contains(f[0].Conclusion, "on 4 table(s)") {
		t.Fatalf("want one finding counting 4 tables: %+v", f)
	}
	if !strings.Contains(f[0].Conclusion, "`public.both1` (and its TOAST table) and 3 more") {
		t.Errorf("max_tables 2 lists both1 and its TOAST table: one table named, three more: %s", f[0].Conclusion)
	}
}
