package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

func deployFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cronLine returns the one entry of docs/deploy/crontab: its schedule and its command,
// after checking that docs/scheduling.md shows the line exactly.
func cronLine(t *testing.T) (string, string) {
	t.Helper()
	var lines []string
	for l := range strings.Lines(deployFile(t, "crontab")) {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("docs/deploy/crontab: %d entries, want 1", len(lines))
	}
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "scheduling.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "\n"+lines[0]+"\n") {
		t.Fatalf("docs/scheduling.md does not show the crontab line as it is:\n%s", lines[0])
	}
	f := strings.Fields(lines[0])
	if len(f) < 6 {
		t.Fatalf("crontab line %q: want five time fields and a command", lines[0])
	}
	schedule := strings.Join(f[:5], " ")
	if _, err := cron.ParseStandard(schedule); err != nil {
		t.Fatalf("crontab schedule %q: %v", schedule, err)
	}
	cmd := strings.TrimSpace(strings.SplitN(lines[0], schedule, 2)[1])
	for _, want := range []string{"--keep", "--fail-on"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("the cron line has no %s: %s", want, cmd)
		}
	}
	return schedule, cmd
}

// testCronLine runs the documented cron command as cron would (sh -c, in the user's home
// folder, with HOME set), with the binary built from this tree on PATH: on a clean cluster
// it exits 0 and says nothing (cron mails nothing); on the demo database it exits 5 with
// the warning cron mails. It loads the demo into cl.
func testCronLine(t *testing.T, cl *pgtest.Cluster) {
	_, line := cronLine(t)
	// `pgcheckup` on PATH is this test binary running TestCLIHelper: the same code as
	// the built command, without a build and link of its own in every CI run.
	bin := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	wrapper := "#!/bin/sh\nPGCHECKUP_TEST_CLI=1 exec " + strconv.Quote(self) + " -test.run='^TestCLIHelper$' -- \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "pgcheckup"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	// Two P2 findings a clean cluster of the harness still has are not the run's to fix:
	// A002 says the major's end of life is near (true of 15 within a year of it), S003
	// that the harness's pg_hba.conf trusts local connections.
	conf := "connection = " + strconv.Quote(cl.ConnString("postgres")) + "\nproject = \"db1\"\nskip = [\"A002\", \"S003\"]\n"
	if err := os.WriteFile(filepath.Join(home, "pgcheckup.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cronRun := func() (int, string) {
		cmd := exec.Command("/bin/sh", "-c", line)
		cmd.Dir = home
		cmd.Env = []string{"HOME=" + home, "PATH=" + bin + ":/usr/bin:/bin", "SHELL=/bin/sh", "LOGNAME=pgcheckup"}
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stderr, &stderr // cron mails both
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), stderr.String()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, stderr.String()
	}
	start := time.Now()
	code, mail := cronRun()
	t.Logf("clean run in %s", time.Since(start).Round(time.Millisecond))
	latest := filepath.Join(home, "artifacts", "db1", report.LatestName)
	if code != exitOK || mail != "" {
		var found []string
		if rep, err := report.Read(filepath.Join(latest, "report.json")); err == nil {
			for _, c := range rep.Checks {
				for _, f := range c.Findings {
					found = append(found, f.Severity.String()+" "+f.Code)
				}
			}
		}
		t.Fatalf("clean cluster: exit %d, want 0 and nothing to mail; got:\n%s\nfindings: %q", code, mail, found)
	}
	if _, err := os.Stat(filepath.Join(latest, "report.json")); err != nil {
		t.Fatalf("no report at %s: %v", latest, err)
	}

	start = time.Now()
	if err := demodb.Load(t.Context(), cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %s", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	code, mail = cronRun()
	t.Logf("demo run in %s", time.Since(start).Round(time.Millisecond))
	if code != exitFailOn || !strings.Contains(mail, "findings at or above --fail-on") {
		t.Fatalf("demo database: exit %d, want %d with the --fail-on warning to mail; got:\n%s", code, exitFailOn, mail)
	}
	if rep := readReport(t, latest); len(rep.Checks) == 0 {
		t.Fatal("latest report has no checks")
	}
	t.Logf("demo: exit %d, mailed: %s", code, strings.TrimSpace(mail))
}

// TestCLIHelper is pgcheckup's main when testCronLine's PATH runs this test binary as
// `pgcheckup`: the arguments after "--" are the command line.
func TestCLIHelper(t *testing.T) {
	if os.Getenv("PGCHECKUP_TEST_CLI") != "1" {
		t.Skip("not a test: the pgcheckup command of testCronLine")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ctx, stop := onInterrupt(os.Stderr)
	code := run(ctx, args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// TestSystemdUnits checks the service and timer with `systemd-analyze verify`, which
// runs offline. It checks that ExecStart's binary exists, so the units are verified in a
// copy whose ExecStart names a binary that does; any warning fails the test (verify
// exits 0 on an unknown key and only warns).
func TestSystemdUnits(t *testing.T) {
	svc, timer := deployFile(t, "pgcheckup.service"), deployFile(t, "pgcheckup.timer")
	exe := regexp.MustCompile(`(?m)^ExecStart=(\S+) (.*)$`).FindStringSubmatch(svc)
	if exe == nil || exe[1] != "/usr/local/bin/pgcheckup" {
		t.Fatalf("ExecStart: %q", exe)
	}
	for _, want := range []string{"--keep", "--fail-on", "-q"} {
		if !strings.Contains(exe[2], want) {
			t.Errorf("ExecStart has no %s", want)
		}
	}
	if !strings.Contains(svc, "\nType=oneshot\n") || !regexp.MustCompile(`(?m)^User=\w`).MatchString(svc) {
		t.Error("the service should be a oneshot run as its own user")
	}
	if !strings.Contains(timer, "\nOnCalendar=") || !strings.Contains(timer, "\nWantedBy=timers.target\n") {
		t.Error("the timer needs OnCalendar= and [Install] WantedBy=timers.target")
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed: the units were only parsed")
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "pgcheckup")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pgcheckup.service"), []byte(strings.Replace(svc, exe[1], fake, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pgcheckup.timer"), []byte(timer), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sa, "verify", filepath.Join(dir, "pgcheckup.service"), filepath.Join(dir, "pgcheckup.timer")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	cal := regexp.MustCompile(`(?m)^OnCalendar=(.*)$`).FindStringSubmatch(timer)[1]
	if out, err := exec.Command(sa, "calendar", cal).CombinedOutput(); err != nil {
		t.Fatalf("OnCalendar=%s: %v\n%s", cal, err, out)
	}
}

// containerfile is docs/deploy/Containerfile as instructions: continuation lines joined,
// comments dropped.
func containerfile(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(deployFile(t, "Containerfile")))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") || (l == "" && cur.Len() == 0) {
			continue
		}
		if s, ok := strings.CutSuffix(l, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(l)
		out = append(out, strings.Fields(cur.String()))
		cur.Reset()
	}
	return out
}

// containerfileUID is the numeric user of the final stage.
func containerfileUID(t *testing.T) int {
	t.Helper()
	uid := -1
	for _, ins := range containerfile(t) {
		switch strings.ToUpper(ins[0]) {
		case "FROM":
			uid = -1
		case "USER":
			n, err := strconv.Atoi(strings.SplitN(ins[1], ":", 2)[0])
			if err != nil {
				t.Fatalf("USER %s: give a number, so runAsNonRoot can check it", ins[1])
			}
			uid = n
		}
	}
	return uid
}

func TestContainerfile(t *testing.T) {
	var stages []string
	var build, final []string // RUN lines of the first stage, every line of the last
	for _, ins := range containerfile(t) {
		kw := strings.ToUpper(ins[0])
		if kw == "FROM" {
			if len(ins) == 4 && strings.EqualFold(ins[2], "AS") {
				stages = append(stages, ins[3])
			} else {
				stages = append(stages, "")
			}
			final = nil
			continue
		}
		line := strings.Join(ins, " ")
		if len(stages) == 1 && kw == "RUN" {
			build = append(build, line)
		}
		final = append(final, line)
	}
	if len(stages) < 2 || stages[0] == "" {
		t.Fatalf("stages %q: want a named build stage and a runtime stage", stages)
	}
	all := strings.Join(build, "\n")
	for _, want := range []string{"CGO_ENABLED=1", "netgo", "osusergo", "-static", "./cmd/pgcheckup"} {
		if !strings.Contains(all, want) {
			t.Errorf("the build stage does not build with %s", want)
		}
	}
	last := strings.Join(final, "\n")
	if !strings.Contains(last, "COPY --from="+stages[0]+" ") {
		t.Errorf("the final stage copies nothing from %s", stages[0])
	}
	if strings.Contains(last, "RUN ") {
		t.Error("the final stage runs commands: it should only copy the binary")
	}
	if uid := containerfileUID(t); uid <= 0 {
		t.Errorf("the final stage runs as user %d, want a numeric non-root USER", uid)
	}
}
