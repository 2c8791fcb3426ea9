package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

func runCLI(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// runReport runs pgcheckup against cl and returns the report folder.
func runReport(t *testing.T, cl *pgtest.Cluster, role, db string, extra ...string) (string, int) {
	t.Helper()
	out := t.TempDir()
	args := append([]string{"run", "-q", "--out", out, "--project", "t"}, extra...)
	args = append(args, cl.ConnStringAs(role, db))
	code, stdout, stderr := runCLI(t, args...)
	if code != exitOK && code != exitCheckErrors {
		t.Fatalf("run exited %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	t.Logf("stdout %q stderr %q", stdout, stderr)
	return strings.TrimSpace(stdout), code
}

func readReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	r, err := report.Read(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnreachableExits3(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	start := time.Now()
	code, stdout, stderr := runCLI(t, "run", "--out", t.TempDir(), "--connect-timeout", "2s",
		"-h", "127.0.0.1", "-p", itoa(port), "-U", "nobody", "-d", "postgres")
	took := time.Since(start)
	if code != exitUnreachable {
		t.Fatalf("exit %d, want 3; stderr: %s", code, stderr)
	}
	if took > 3*time.Second {
		t.Fatalf("took %s, want within connect timeout (2s) + 1s", took)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "pgcheckup: ") || !strings.Contains(last, "127.0.0.1:"+itoa(port)) {
		t.Fatalf("last stderr line does not name the host: %q", last)
	}
	if stdout != "" {
		t.Fatalf("stdout not empty: %q", stdout)
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonNum(n)) }

func jsonNum(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestRenderReproducesAndEscapes(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", fixture(t, "escaping.sql"))
	dir, _ := runReport(t, cl, pgtest.Superuser, "postgres")
	for _, f := range []string{"report.json", "report.md", "report.html", "md/A002.md"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != report.FileMode {
			t.Errorf("%s has mode %v, want %v", f, st.Mode().Perm(), os.FileMode(report.FileMode))
		}
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != report.DirMode {
		t.Errorf("report folder mode %v", st.Mode().Perm())
	}
	// Re-render the saved JSON elsewhere: identical bytes.
	again := t.TempDir()
	if code, _, stderr := runCLI(t, "render", filepath.Join(dir, "report.json"), "--out", again); code != 0 {
		t.Fatalf("render exited %d: %s", code, stderr)
	}
	for _, f := range []string{"report.md", "report.html", "md/A002.md"} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, err := os.ReadFile(filepath.Join(again, f))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs after render (%v)", f, err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:)?//`).Find(html); m != nil {
		t.Errorf("report.html loads from the network: %s", m)
	}
	// The page has scripts of its own (the charts); the object names must not add any.
	// The page has scripts of its own (ECharts, the chart options, the page script); outside them no
	// object name may add markup, and inside them names are JavaScript-escaped strings.
	if !bytes.Contains(html, []byte(`\u003cscript\u003ealert(1)\u003c/script\u003e`)) {
		t.Error("the table name is not in the chart options as an escaped string")
	}
	markup := regexp.MustCompile(`(?s)<script>\n(?:/\*\n\* Licensed to the Apache|echarts\.init|\s*\(function pgcheckupPage\(\)).*?</script>`).ReplaceAll(html, nil)
	for _, raw := range []string{"<script", "<img"} {
		if i := bytes.Index(markup, []byte(raw)); i >= 0 {
			t.Errorf("report.html contains an unescaped object name: %s", markup[max(0, i-80):min(len(markup), i+80)])
		}
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "report.json"))
	if !bytes.Contains(raw, []byte(`<script>alert(1)</script>`)) {
		t.Fatal("no check reported the fixture table: escaping is not exercised")
	}
	if !bytes.Contains(html, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("report.html does not show the escaped table name")
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for _, line := range strings.Split(string(md), "\n") {
		if strings.Contains(line, "alert(2)") && strings.HasPrefix(line, "|") {
			// A pipe inside the name must not add a column.
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n < 3 {
				t.Errorf("suspicious table row: %s", line)
			}
		}
	}
}

func TestPGMonitorRoleHasNoErrors(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "5"}})
	cl.MustExec(t, "postgres", `CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon;
		CREATE EXTENSION pg_stat_statements; CREATE TABLE t (id serial PRIMARY KEY, v text);
		INSERT INTO t (v) SELECT 'x' FROM generate_series(1, 1000); ANALYZE t;`)
	dir, code := runReport(t, cl, "mon", "postgres")
	r := readReport(t, dir)
	for _, c := range r.Checks {
		for _, res := range c.Results {
			if res.Status == checks.StatusError {
				t.Errorf("%s ended in error as pg_monitor: %s", c.ID, res.Reason)
			}
			if res.Status == checks.StatusSkipped && res.Reason == "" {
				t.Errorf("%s skipped without a reason", c.ID)
			}
		}
	}
	if code != exitOK {
		t.Errorf("exit %d, want 0", code)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "c.toml")
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	cases := []struct{ body, want string }{
		{"project = \"x\"\nbogus = 1\n", `line 2: unknown key "bogus"`},
		{"[checks.A002]\neol_warn_months = 6\nnope = 2\n", `line 3: unknown key "checks.A002.nope"`},
		{"[checks.Z999]\nx = 1\n", "line 1: [checks.Z999]: no such check"},
		{"statement_timeout = \"soon\"\n", `line 1: key "statement_timeout"`},
		{"[checks.A002]\neol_warn_months = \"x\"\n", `line 2: checks.A002.eol_warn_months: want an integer`},
		{"query_text = \"raw\"\n", "explicit opt-in"},
		{"[machine]\nram = \"lots\"\n", "[machine] ram"},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, "run", "--config", write(c.body), "host=127.0.0.1 port=1")
		if code != exitUsage || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "c.toml") && !strings.Contains(c.want, "opt-in") && !strings.Contains(c.want, "[machine] ram") {
			t.Errorf("config %q: exit %d, stderr %q; want exit 2 mentioning %q", c.body, code, stderr, c.want)
		}
	}
}

func TestListExplainSQL(t *testing.T) {
	code, out, _ := runCLI(t, "list")
	if code != 0 || !strings.Contains(out, "A002") {
		t.Fatalf("list: %d %s", code, out)
	}
	code, out, _ = runCLI(t, "explain", "a002")
	if code != 0 || !strings.Contains(out, "eol_warn_months = 12") {
		t.Fatalf("explain: %d %s", code, out)
	}
	if code, _, _ = runCLI(t, "explain", "Z999"); code != exitUsage {
		t.Fatalf("explain of unknown check exited %d", code)
	}
	code, out, _ = runCLI(t, "sql", "A002")
	if code != 0 || !strings.Contains(out, "\n-- A002 a002.sql") || strings.Contains(out, "-- H001") {
		t.Fatalf("sql: %d %s", code, out)
	}
}

// TestJSONToStdout: --out - prints the report as JSON on stdout and writes no files;
// logs stay on stderr.
func TestJSONToStdout(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "run", "--out", "-", "--checks", "A002,L001", cl.ConnString("postgres"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || len(r.Checks) != 2 {
		t.Fatalf("stdout is not the report (%v): %.200s", err, stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written: %v", entries)
	}
	if !strings.Contains(stderr, "connected") {
		t.Fatalf("logs missing from stderr: %q", stderr)
	}
}
