package l005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestLocked: with child under another session's ACCESS EXCLUSIVE lock, its NOT VALID
// constraints are still listed, with their definitions marked as not read; the others
// keep theirs.
func TestLocked(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	cl.Hold(t, "postgres", "BEGIN; LOCK TABLE child IN ACCESS EXCLUSIVE MODE")
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	got := map[checks.Name]NotValid{}
	for _, x := range d.NotValid {
		got[x.Constraint] = x
	}
	for _, c := range []checks.Name{"child_fk", "child_chk"} {
		if x := got[c]; !x.Locked || x.Definition != "" {
			t.Errorf("%s: %+v", c, x)
		}
	}
	for _, c := range []checks.Name{"posint_chk", "parted_chk"} {
		if x := got[c]; x.Locked || x.Definition == "" {
			t.Errorf("%s: %+v", c, x)
		}
	}
	md := r.Markdown(t, "L005")
	if !strings.Contains(md, "| not read (locked) |") || !strings.Contains(md, "ACCESS EXCLUSIVE lock on `public`.`child`") {
		t.Errorf("markdown:\n%s", md)
	}
	for _, f := range r.WithCode("L005/not-valid") {
		if strings.Contains(f.Conclusion, "child_chk") && !strings.Contains(f.Conclusion, "definition not read") {
			t.Errorf("finding: %s", f.Conclusion)
		}
	}
}
