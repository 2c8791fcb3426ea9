package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/spf13/pflag"
)

// TestRunHelp: `run --help` prints the usage on stdout, exit 0, every option once with
// its group heading, short forms as psql's.
func TestRunHelp(t *testing.T) {
	code, stdout, stderr := runCLI(t, "run", "--help")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, stderr)
	}
	if !strings.HasPrefix(stdout, "Usage: pgcheckup run") {
		t.Errorf("stdout does not start with the usage: %.80q", stdout)
	}
	for _, h := range []string{"Connection options:", "Output options:", "Check options:", "Privacy options:", "Upload options:", "Logging options:"} {
		if strings.Count(stdout, "\n"+h+"\n") != 1 {
			t.Errorf("heading %q not there once", h)
		}
	}
	for _, short := range []string{"-h, --host", "-p, --port", "-U, --username", "-d, --dbname", "-W, --password", "-q, --quiet", "-v, --verbose"} {
		if !strings.Contains(stdout, short) {
			t.Errorf("help lacks %q", short)
		}
	}
	// Each option on its own line once: "--name" first on a line.
	seen := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z-]+)`).FindAllStringSubmatch(stdout, -1) {
		seen[m[1]]++
	}
	f := newRunFlags()
	n, want := 0, 0
	f.fs.VisitAll(func(*pflag.Flag) { want++ })
	for name, c := range seen {
		if c != 1 {
			t.Errorf("--%s listed %d times", name, c)
		}
		if f.fs.Lookup(name) == nil {
			t.Errorf("--%s listed but not a flag", name)
		}
		n++
	}
	if n != want {
		t.Errorf("%d options listed, want %d", n, want)
	}
	for _, d := range []string{"(default 30s)", "(default 100ms)", "(default 10s)", "(default 2m)", `(default "./artifacts")`, "(default json,md,html)"} {
		if !strings.Contains(stdout, d) {
			t.Errorf("help lacks the default %s", d)
		}
	}
}

// TestGNUOptions: --flag=value, combined short flags, and single-dash long flags refused
// with the spelling that works. No server: the port is closed, so a run that parsed its
// flags ends unreachable (3), one that did not ends in a usage error (2).
func TestGNUOptions(t *testing.T) {
	conn := closedPort(t)
	for _, tc := range []struct {
		args []string
		code int
		say  string
	}{
		{[]string{"--connect-timeout=1s", "--project=p", "-qv"}, exitUnreachable, ""},
		{[]string{"--connect-timeout", "1s", "-q", "--format=json"}, exitUnreachable, ""},
		{[]string{"-project", "p"}, exitUsage, "-project: long options take two dashes: --project"},
		{[]string{"-connect-timeout=1s"}, exitUsage, "--connect-timeout"},
		{[]string{"--bogus"}, exitUsage, "unknown flag: --bogus"},
	} {
		args := append(append([]string{"run", "--out", t.TempDir()}, tc.args...), conn)
		code, _, stderr := runCLI(t, args...)
		if code != tc.code || !strings.Contains(stderr, tc.say) {
			t.Errorf("%v: exit %d, want %d with %q; stderr: %s", tc.args, code, tc.code, tc.say, stderr)
		}
	}
	for _, cmd := range []string{"render", "export", "upload"} {
		code, stdout, stderr := runCLI(t, cmd, "--help")
		if code != exitOK || !strings.Contains(strings.ToLower(stdout), "usage: pgcheckup "+cmd) || stderr != "" {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", cmd, code, stdout, stderr)
		}
	}
}

func TestVersionShowsReleaseTable(t *testing.T) {
	code, stdout, _ := runCLI(t, "version")
	if code != exitOK || !regexp.MustCompile(`^pgcheckup \S+ \(built-in release table as of \d{4}-\d\d-\d\d\)\n$`).MatchString(stdout) {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
}

// TestRunOutputs: the summary (forced with --summary, off with -q) and --out - with
// --format, against one server.
func TestRunOutputs(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cs := cl.ConnString("postgres")

	t.Run("summary", func(t *testing.T) {
		out := t.TempDir()
		code, stdout, stderr := runCLI(t, "run", "--summary", "--out", out, "--project", "s", cs)
		if code != exitOK && code != exitCheckErrors {
			t.Fatalf("exit %d; stderr: %s", code, stderr)
		}
		dir := strings.TrimSpace(stdout)
		if strings.Contains(stdout, "Summary") || strings.Count(stdout, "\n") != 1 {
			t.Errorf("stdout must hold only the folder: %q", stdout)
		}
		rep := readReport(t, dir)
		want := fmt.Sprintf("Summary: P1 %d, P2 %d, P3 %d; checks in error %d\n",
			rep.Count(checks.P1), rep.Count(checks.P2), rep.Count(checks.P3), rep.Errors())
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
		if !strings.Contains(stderr, "Report: "+dir+"/report.html\n") {
			t.Errorf("stderr lacks the report's path:\n%s", stderr)
		}
		listed := 0
		for _, sev := range []checks.Severity{checks.P1, checks.P2} {
			var of []report.FindingRef
			for _, f := range rep.Findings() {
				if f.Severity == sev {
					of = append(of, f)
				}
			}
			for i, f := range of {
				if i == summaryListed {
					if !strings.Contains(stderr, fmt.Sprintf("  %s ... and %d more\n", sev, len(of)-i)) {
						t.Errorf("no 'and %d more' for %s", len(of)-i, sev)
					}
					break
				}
				line := fmt.Sprintf("  %s %s %s\n", sev, f.CheckID, oneLineText(f.Conclusion, summaryWidth))
				if !strings.Contains(stderr, line) {
					t.Errorf("stderr lacks %q", line)
				}
				listed++
			}
		}
		if listed == 0 {
			t.Errorf("no P1 or P2 finding on the test server: the listing is not tested")
		}
		t.Logf("stderr:\n%s", stderr)

		_, _, quiet := runCLI(t, "run", "-q", "--summary", "--out", out, "--project", "s", cs)
		if strings.Contains(quiet, "Summary") {
			t.Errorf("-q still prints the summary:\n%s", quiet)
		}
		_, _, plain := runCLI(t, "run", "--out", out, "--project", "s", cs)
		if strings.Contains(plain, "Summary") {
			t.Errorf("the summary is printed to a buffer without --summary:\n%s", plain)
		}
	})

	t.Run("stdout formats", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "run", "-q", "--out", "-", "--format", "md", "--checks", "A002,A003", cs)
		if code != exitOK || !strings.HasPrefix(stdout, "# pgcheckup report") || strings.HasPrefix(stdout, "{") {
			t.Errorf("--format md: exit %d, stdout %.60q; stderr %s", code, stdout, stderr)
		}
		code, stdout, _ = runCLI(t, "run", "-q", "--out", "-", "--format", "html", "--checks", "A002", cs)
		if code != exitOK || !strings.Contains(stdout[:min(len(stdout), 200)], "<html") {
			t.Errorf("--format html: exit %d, stdout %.60q", code, stdout)
		}
		for _, f := range []string{"md,html", "platform", "json,md"} {
			code, stdout, stderr := runCLI(t, "run", "-q", "--out", "-", "--format", f, cs)
			if code != exitUsage || stdout != "" || !strings.Contains(stderr, "--out - prints one format") {
				t.Errorf("--format %s: exit %d, stdout %.40q, stderr %s", f, code, stdout, stderr)
			}
		}
	})
}
