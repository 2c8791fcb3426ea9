package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

// Issue 20's acceptance for "what changed", on one server: a run, a rerun with nothing
// changed (no change), then a planted duplicate index dropped and a foreign key without
// an index added: `diff` and the run's "Changes since" section report exactly the one
// resolved and the one new finding. H003 and H004 only, whose findings do not vary from
// run to run by themselves.
func TestDiffRuns(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE TABLE parent (id int PRIMARY KEY, x int);
		CREATE INDEX parent_x ON parent (x); CREATE INDEX parent_x_dup ON parent (x)`)
	out := t.TempDir()
	run := func() string {
		t.Helper()
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--project", "p", "--checks", "H003,H004",
			cl.ConnStringAs("postgres", "postgres"))
		if code != exitOK {
			t.Fatalf("run exited %d: %s", code, stderr)
		}
		return strings.TrimSpace(stdout)
	}
	first := run()
	if r := readReport(t, first); r.Changes != nil {
		t.Errorf("the first run compares with something: %+v", r.Changes)
	}
	second := run()
	r2 := readReport(t, second)
	if r2.Changes == nil || !r2.Changes.Empty() || r2.Changes.Unchanged != 1 || r2.Changes.Previous != filepath.Base(first) {
		t.Fatalf("rerun with nothing changed: %+v", r2.Changes)
	}
	md2, _ := os.ReadFile(filepath.Join(second, "report.md"))
	if !strings.Contains(string(md2), "No finding is new, resolved or changed in severity.") {
		t.Errorf("report.md of the rerun:\n%s", md2)
	}

	cl.MustExec(t, "postgres", `DROP INDEX parent_x_dup;
		CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id))`)
	third := run()
	r3 := readReport(t, third)
	wantNew := "H003/fk-without-index P3 [public.child child_parent_id_fkey public.parent]"
	wantResolved := "H004/duplicate-index P3 [public.parent_x_dup public.parent_x]"
	if c := r3.Changes; c == nil || c.Previous != filepath.Base(second) || changeList(c.New) != wantNew ||
		changeList(c.Resolved) != wantResolved || len(c.Severity) != 0 || c.Unchanged != 0 {
		t.Fatalf("changes of the third run: %+v", c)
	}
	for file, nodes := range map[string]string{"report.md": "## Nodes", "report.html": `<h2 id="nodes">`} {
		b, err := os.ReadFile(filepath.Join(third, file))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		i, j := strings.Index(s, "Changes since"), strings.Index(s, nodes)
		if i < 0 || j < i || !strings.Contains(s[i:j], "1 new, 1 resolved, 0 changed in severity, 0 unchanged") ||
			!strings.Contains(s[i:j], "child_parent_id_fkey") || !strings.Contains(s[i:j], "parent_x_dup") {
			t.Errorf("%s: no Changes since section with the two findings before the nodes:\n%.3000s", file, s)
		}
	}

	// diff, offline, of folders and of a report.json: the same two changes.
	code, stdout, stderr := runCLI(t, "diff", "--format", "json", first, filepath.Join(third, "report.json"))
	var c report.Changes
	if code != exitOK || json.Unmarshal([]byte(stdout), &c) != nil {
		t.Fatalf("diff exited %d: %s%s", code, stdout, stderr)
	}
	if changeList(c.New) != wantNew || changeList(c.Resolved) != wantResolved || len(c.Severity) != 0 {
		t.Errorf("diff: %s", stdout)
	}
	code, stdout, _ = runCLI(t, "diff", second, third)
	if code != exitOK || !strings.HasPrefix(stdout, "# Changes since ") ||
		!strings.Contains(stdout, "- **P3** `H003/fk-without-index` in `postgres`: `public.child`, `child_parent_id_fkey`, `public.parent`") {
		t.Errorf("diff in Markdown, exit %d:\n%s", code, stdout)
	}
	// --fail-on-new: a new P3 fails P3, not P2; nothing new fails nothing.
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{second, third, "--fail-on-new", "P3"}, exitFailOn},
		{[]string{"--fail-on-new", "p2", second, third}, exitOK},
		{[]string{first, second, "--fail-on-new", "P3"}, exitOK},
		{[]string{third, third, "--fail-on-new", "P3"}, exitOK},
		{[]string{third, "--fail-on-new", "info", third}, exitUsage},
		{[]string{third}, exitUsage},
	} {
		if code, _, stderr := runCLI(t, append([]string{"diff"}, tc.args...)...); code != tc.want {
			t.Errorf("diff %v: exit %d, want %d: %s", tc.args, code, tc.want, stderr)
		}
	}
}

func changeList(l []report.FindingChange) string {
	var s []string
	for _, f := range l {
		objs := make([]string, len(f.Objects))
		for i, o := range f.Objects {
			objs[i] = string(o)
		}
		s = append(s, f.Code+" "+f.Severity.String()+" ["+strings.Join(objs, " ")+"]")
	}
	return strings.Join(s, "; ")
}
