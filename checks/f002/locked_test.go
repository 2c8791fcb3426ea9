package f002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestLockedTable: a table under another session's ACCESS EXCLUSIVE lock keeps its ages
// (from the catalog) but not its size, which would wait for the lock; it is named.
func TestLockedTable(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE TABLE busy_t (id int, payload text); INSERT INTO busy_t VALUES (1, 'x')")
	cl.Hold(t, "postgres", "BEGIN; LOCK TABLE busy_t IN ACCESS EXCLUSIVE MODE")
	c := New()
	c.cfg.TopN = 1000 // every table
	r := checktest.Run(t, cl, c, checktest.Options{})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	var saw, others bool
	for _, tb := range d.Tables {
		switch {
		case tb.Name == "busy_t" && tb.Toast == "":
			saw = true
			if !tb.Locked || tb.SizeBytes != nil || tb.XIDAge <= 0 {
				t.Errorf("busy_t: %+v", tb)
			}
		case tb.Locked || tb.SizeBytes == nil:
			t.Errorf("not locked, not measured: %+v", tb)
		default:
			others = true
		}
	}
	if !saw || !others {
		t.Fatalf("busy_t (%v) or other tables (%v) missing: %+v", saw, others, d.Tables)
	}
	md := r.Markdown(t, "F002")
	if !strings.Contains(md, "not measured (locked)") || !strings.Contains(md, "ACCESS EXCLUSIVE lock on `public`.`busy_t`") {
		t.Errorf("markdown does not name the locked table:\n%s", md)
	}
	checktest.TableRows(t, md, 4, 5, 6, 9) // the status table has a Database column: F002 is database-scoped
}
