package l003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestLocked: a sequence under another session's ACCESS EXCLUSIVE lock (an uncommitted
// ALTER SEQUENCE ... RENAME) is not read, and named; the others are read as usual.
func TestLocked(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture)
	cl.Hold(t, "postgres", "BEGIN; ALTER SEQUENCE wide_seq RENAME TO wide_seq_renamed")
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	for _, x := range d.Columns {
		switch {
		case x.Sequence == "wide_seq" && (x.State != StateLocked || x.LastValue != nil):
			t.Errorf("locked: %+v", x)
		case x.Sequence == "small_id_seq" && x.State != StateRead:
			t.Errorf("not locked: %+v", x)
		}
	}
	if len(d.Locked) != 1 || d.Locked[0] != (Sequence{Schema: "public", Name: "wide_seq"}) || d.NotRead != 0 {
		t.Errorf("locked %+v, not read %d", d.Locked, d.NotRead)
	}
	if f := r.WithCode("L003/locked"); len(f) != 1 || f[0].Objects[0] != "public.wide_seq" {
		t.Errorf("findings %+v", r.Findings)
	}
	if len(r.WithCode("L003/integer-capacity")) == 0 {
		t.Errorf("the readable sequences were not judged: %+v", r.Findings)
	}
	md := r.Markdown(t, "L003")
	if !strings.Contains(md, "unknown: locked by another session") || !strings.Contains(md, "ACCESS EXCLUSIVE lock on `public`.`wide_seq`") {
		t.Errorf("markdown:\n%s", md)
	}
}
