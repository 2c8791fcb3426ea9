package l005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestNotEnforced: a NOT ENFORCED constraint (18) is not NOT VALID: VALIDATE fails on
// it. It is reported as what it is, with a statement that runs.
func TestNotEnforced(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if cl.Major < 18 {
		t.Skip("NOT ENFORCED is new in 18")
	}
	cl.MustExec(t, "postgres", `
CREATE TABLE parent (id int PRIMARY KEY);
INSERT INTO parent SELECT generate_series(1, 10);
CREATE TABLE loose (pid int, v int);
INSERT INTO loose VALUES (100, -1), (1, 1);
ALTER TABLE loose ADD CONSTRAINT loose_fk FOREIGN KEY (pid) REFERENCES parent NOT ENFORCED;
ALTER TABLE loose ADD CONSTRAINT loose_chk CHECK (v > 0) NOT ENFORCED;
CREATE TABLE child (pid int);
ALTER TABLE child ADD CONSTRAINT child_fk FOREIGN KEY (pid) REFERENCES parent NOT VALID;
`)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	for _, f := range r.WithCode("L005/not-valid") {
		if strings.Contains(f.Conclusion, "loose") {
			t.Errorf("NOT ENFORCED constraint reported as NOT VALID: %s / %s", f.Conclusion, f.Recommendation)
		}
	}
	ne := r.WithCode("L005/not-enforced")
	if len(ne) != 2 {
		t.Fatalf("%d not-enforced findings, want 2: %+v", len(ne), r.WithCode("L005/not-valid"))
	}
	for _, f := range ne {
		if f.Severity != checks.Info || strings.Contains(f.Recommendation, "VALIDATE") {
			t.Errorf("not-enforced finding: %v %s", f.Severity, f.Recommendation)
		}
	}
	var d Data
	r.Decode(t, &d)
	fix := map[checks.Name]string{}
	for _, x := range d.NotValid {
		fix[x.Constraint] = string(x.Fix)
	}
	if fix["loose_fk"] != "ALTER TABLE public.loose ALTER CONSTRAINT loose_fk ENFORCED;" ||
		fix["loose_chk"] != "ALTER TABLE public.loose DROP CONSTRAINT loose_chk, ADD CONSTRAINT loose_chk CHECK ((v > 0));" ||
		fix["child_fk"] != "ALTER TABLE public.child VALIDATE CONSTRAINT child_fk;" {
		t.Fatalf("fixes: %v", fix)
	}
	// The statements fail on the rows that violate the constraint and run once they are
	// gone; then nothing is left to report about them.
	if err := cl.Exec(t.Context(), "postgres", fix["loose_fk"]); err == nil {
		t.Error("making loose_fk enforced should fail on the orphan row")
	}
	cl.MustExec(t, "postgres", "DELETE FROM loose WHERE pid = 100")
	cl.MustExec(t, "postgres", fix["loose_fk"])
	cl.MustExec(t, "postgres", fix["loose_chk"])
	r = checktest.Run(t, cl, New(), checktest.Options{})
	if n := len(r.WithCode("L005/not-enforced")); n != 0 {
		t.Errorf("%d not-enforced findings after the fixes", n)
	}
	if n := len(r.WithCode("L005/not-valid")); n != 1 {
		t.Errorf("%d not-valid findings after the fixes, want child_fk only", n)
	}
}
