package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/pgcheckup/pgcheckup/checks"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/platform"
	"github.com/pgcheckup/pgcheckup/report"
)

// exportFixture gives a cluster two application databases with something for the index
// and bloat checks to find: an unused index, a redundant one, an invalid one.
func exportFixture(t *testing.T, cl *pgtest.Cluster) {
	t.Helper()
	cl.MustExec(t, "postgres", "CREATE EXTENSION pg_stat_statements") // K003 reads it in the first database
	cl.MustExec(t, "postgres", "CREATE DATABASE app")
	cl.MustExec(t, "postgres", "CREATE DATABASE billing")
	for _, db := range []string{"app", "billing"} {
		cl.MustExec(t, db, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE t (id int PRIMARY KEY, a int, b int, note text);
INSERT INTO t SELECT g, g % 100, g % 7, repeat('x', 50) FROM generate_series(1, 20000) g;
CREATE INDEX t_a ON t (a);
CREATE INDEX t_a_b ON t (a, b);
CREATE INDEX t_b ON t (b);
DELETE FROM t WHERE id % 3 = 0;
ANALYZE t`)
	}
	// An invalid index: a unique index over duplicates, built concurrently, fails.
	if err := cl.Exec(t.Context(), "app", "CREATE UNIQUE INDEX CONCURRENTLY t_b_uniq ON t (b)"); err == nil {
		t.Fatal("the unique index over duplicates was built")
	}
}

// platformFiles runs pgcheckup with --format json,platform against hosts and returns
// the report folder and the report.
func runPlatform(t *testing.T, hosts ...*pgtest.Cluster) (string, *report.Report) {
	t.Helper()
	args := []string{"run", "-q", "--out", t.TempDir(), "-U", pgtest.Superuser, "-d", "postgres", "-d", "app", "-d", "billing",
		"--format", "json,platform"}
	for _, h := range hosts {
		args = append(args, "-h", fmt.Sprintf("127.0.0.1:%d", h.Port))
	}
	code, stdout, stderr := runCLI(t, append(args, "sslmode=disable")...)
	if code != exitOK && code != exitCheckErrors {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	dir := strings.TrimSpace(stdout)
	return dir, readReport(t, dir)
}

// checkPlatformFiles: every check of the report that has a platform schema has a file
// that validates, with the nodes and databases of the run.
func checkPlatformFiles(t *testing.T, dir string, r *report.Report, primary string, standbys []string) {
	t.Helper()
	pdir := filepath.Join(dir, platform.Dir)
	for _, id := range platform.Schemas() {
		c := slices.IndexFunc(r.Checks, func(c report.Check) bool { return c.ID == id })
		b, err := os.ReadFile(filepath.Join(pdir, platform.File(id)))
		if c < 0 {
			if err == nil {
				t.Errorf("%s: a platform file for a check the report does not have", id)
			}
			continue
		}
		if !slices.ContainsFunc(r.Checks[c].Results, func(res report.Result) bool { return res.Status != checks.StatusSkipped }) {
			continue // skipped on every node (N001 without --window): no file, a note says why
		}
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if err := platform.Validate(id, b); err != nil {
			t.Errorf("%v", err)
		}
		if st, _ := os.Stat(filepath.Join(pdir, platform.File(id))); st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", id, st.Mode().Perm())
		}
		var doc struct {
			Nodes struct {
				Primary  string   `json:"primary"`
				Standbys []string `json:"standbys"`
			} `json:"nodes"`
			Results map[string]struct {
				Data map[string]json.RawMessage `json:"data"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Nodes.Primary != primary || !slices.Equal(doc.Nodes.Standbys, standbys) {
			t.Errorf("%s: nodes %+v, want %s %v", id, doc.Nodes, primary, standbys)
		}
		for _, n := range append([]string{primary}, standbys...) {
			if _, ok := doc.Results[n]; !ok {
				t.Errorf("%s: no result for node %s", id, n)
			}
		}
		switch id {
		case "F004", "F005", "H001", "H002", "H004":
			// keyed by database: the three checked
			for n, res := range doc.Results {
				for _, db := range []string{"postgres", "app", "billing"} {
					if _, ok := res.Data[db]; !ok {
						t.Errorf("%s on %s: no entry for database %s (have %v)", id, n, db, keys(res.Data))
					}
				}
			}
		}
	}
	// The redundant index of each database is in H004, under that database.
	b, _ := os.ReadFile(filepath.Join(pdir, "H004.json"))
	for _, want := range []string{`"app": {`, `"billing": {`, `"index_name": "t_a"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("H004 lacks %s:\n%s", want, b)
		}
	}
	b, _ = os.ReadFile(filepath.Join(pdir, "H001.json"))
	if !bytes.Contains(b, []byte(`"index_name": "t_b_uniq"`)) {
		t.Errorf("H001 lacks the invalid index:\n%s", b)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// exportAgain: `export` from the saved report alone (the servers stopped) writes the
// same files as the run did.
func exportAgain(t *testing.T, dir string, stop ...*pgtest.Cluster) {
	t.Helper()
	for _, c := range stop {
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "export", dir, "--format", "platform", "--out", out)
	if code != exitOK || strings.TrimSpace(stdout) != out {
		t.Fatalf("export: exit %d: %s %s", code, stdout, stderr)
	}
	for _, id := range platform.Schemas() {
		a, errA := os.ReadFile(filepath.Join(dir, platform.Dir, platform.File(id)))
		b, errB := os.ReadFile(filepath.Join(out, platform.File(id)))
		if (errA == nil) != (errB == nil) || !bytes.Equal(a, b) {
			t.Errorf("%s: export differs from the run's file (%v, %v)", id, errA, errB)
		}
	}
}

// TestExportPlatformOneNode: a one-node run with three databases writes a valid platform
// file for every check with a schema; export from the file alone gives the same. The
// matrix runs it on 12 to 18.
func TestExportPlatformOneNode(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	exportFixture(t, cl)
	dir, r := runPlatform(t, cl)
	checkPlatformFiles(t, dir, r, r.Nodes[0].Name, []string{})
	exportAgain(t, dir, cl)
}

// TestExportPlatformStandby: the same for a primary with a streaming standby: nodes
// {primary, standbys} and a result per node in every file.
func TestExportPlatformStandby(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	exportFixture(t, cl)
	sb := pgtest.StandbyForTest(t, cl, nil)
	waitStreaming(t, cl)
	dir, r := runPlatform(t, cl, sb)
	if len(r.Nodes) != 2 || r.Nodes[1].Role != "standby" {
		t.Fatalf("nodes %+v", r.Nodes)
	}
	checkPlatformFiles(t, dir, r, r.Nodes[0].Name, []string{r.Nodes[1].Name})
	exportAgain(t, dir, sb, cl)
}

// TestExportUsage: export needs --format platform and a readable report; an unknown
// format or a missing file writes nothing.
func TestExportUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"export"},
		{"export", filepath.Join(dir, "report.json"), "--format", "platform"},
		{"export", dir, "--format", "html"},
	} {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, platform.Dir)); err == nil {
		t.Error("a platform folder was created")
	}
}
