package g004

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestTotals: with max_columns 2, the column-statistics-off finding still counts all
// five columns whose statistics are off, not the listed ones only.
func TestTotals(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE TABLE z (a int, b int, c int, d int, e int, f int);
		ALTER TABLE z ALTER COLUMN a SET STATISTICS 0, ALTER COLUMN b SET STATISTICS 0, ALTER COLUMN c SET STATISTICS 0,
		    ALTER COLUMN d SET STATISTICS 0, ALTER COLUMN e SET STATISTICS 0, ALTER COLUMN f SET STATISTICS 300`)
	c := New()
	c.cfg.MaxColumns = 2
	r := checktest.Run(t, cl, c, checktest.Options{})
	var d Data
	r.Decode(t, &d)
	if d.ColumnsTotal != 6 || d.ColumnsZero != 5 || len(d.Columns) != 2 {
		t.Fatalf("columns: %+v", d)
	}
	f := r.WithCode("G004/column-statistics-off")
	if len(f) != 1 || f[0].Weight() != 5 || len(f[0].Objects) != 2 {
		t.Fatalf("column-statistics-off: %+v", f)
	}
}
