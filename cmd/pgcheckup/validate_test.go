package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
)

// closedPort returns a connection string for a local port nothing listens on: a run that
// gets as far as connecting ends with exit 3 ("unreachable") within moments.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return fmt.Sprintf("host=127.0.0.1 port=%d user=nobody dbname=postgres", port)
}

// wantUsage asserts that a run was refused as a usage error before any connection:
// exit 2, nothing reported as unreachable, and every want in stderr.
func wantUsage(t *testing.T, what string, code int, stderr string, want ...string) {
	t.Helper()
	if code != exitUsage {
		t.Errorf("%s: exit %d, want 2; stderr: %s", what, code, stderr)
		return
	}
	if strings.Contains(stderr, "unreachable") || strings.Contains(stderr, "refused") {
		t.Errorf("%s: tried to connect before refusing: %s", what, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("%s: stderr %q does not mention %q", what, stderr, w)
		}
	}
}

// TestDurationFlagsRefused: zero, negative and sub-millisecond durations were silently
// "no timeout" (statement and lock timeouts round down to 0 ms, a negative check
// timeout meant no limit) or made every node unreachable (connect timeout).
func TestDurationFlagsRefused(t *testing.T) {
	conn := closedPort(t)
	for _, flag := range []string{"statement-timeout", "lock-timeout", "connect-timeout", "check-timeout"} {
		for _, v := range []string{"0", "-1s", "500us", "999999ns"} {
			code, _, stderr := runCLI(t, "run", "--out", t.TempDir(), "--"+flag, v, conn)
			wantUsage(t, "--"+flag+" "+v, code, stderr, `"--`+flag+`"`, "at least 1ms")
		}
	}
	// Postgres keeps these two in milliseconds in an int: more is refused by the server
	// at connection time, which made every node "unreachable".
	for _, flag := range []string{"statement-timeout", "lock-timeout"} {
		code, _, stderr := runCLI(t, "run", "--out", t.TempDir(), "--"+flag, "600h", conn)
		wantUsage(t, "--"+flag+" 600h", code, stderr, `"--`+flag+`"`, "at most")
	}
	// The smallest allowed value passes validation and gets as far as connecting.
	code, _, stderr := runCLI(t, "run", "--out", t.TempDir(), "--lock-timeout", "1ms", "--connect-timeout", "1s", conn)
	if code != exitUnreachable {
		t.Errorf("--lock-timeout 1ms: exit %d, want 3 (validation passed, port closed); stderr: %s", code, stderr)
	}
}

// TestDurationKeysRefused: the same in the configuration file, naming file, line and key.
func TestDurationKeysRefused(t *testing.T) {
	conn := closedPort(t)
	dir := t.TempDir()
	for _, key := range []string{"statement_timeout", "lock_timeout", "connect_timeout", "check_timeout"} {
		for _, v := range []string{"0s", "-1s", "500us"} {
			p := filepath.Join(dir, "c.toml")
			os.WriteFile(p, []byte("project = \"x\"\n"+key+" = \""+v+"\"\n"), 0o600)
			code, _, stderr := runCLI(t, "run", "--config", p, "--out", t.TempDir(), conn)
			wantUsage(t, key+" = "+v, code, stderr, "c.toml", "line 2", key)
		}
	}
}

// TestThresholdsRefused: a negative threshold in [checks.*] was accepted and failed
// later (a negative top_n is a SQL error on every node). It is refused when the file
// loads, naming the file, the line of the key in its own section, and the key.
func TestThresholdsRefused(t *testing.T) {
	conn := closedPort(t)
	dir := t.TempDir()
	cases := []struct{ body, want string }{
		// top_n also appears in an earlier section: the line must be the H002 one.
		{"[checks.L001]\ntop_n = 5\n\n[checks.H002]\nmin_size_bytes = 1\ntop_n = -1\n", `line 6: key "checks.H002.top_n"`},
		{"[checks.G002]\nconnections_p2_percent = -5.0\n", `line 2: key "checks.G002.connections_p2_percent"`},
		{"[checks.F004]\np2_percent = nan\n", `line 2: key "checks.F004.p2_percent"`},
		{"[checks.c002]\nlag_seconds = -inf\n", `line 2: key "checks.c002.lag_seconds"`},
	}
	for _, c := range cases {
		p := filepath.Join(dir, "c.toml")
		os.WriteFile(p, []byte(c.body), 0o600)
		code, _, stderr := runCLI(t, "run", "--config", p, "--out", t.TempDir(), conn)
		wantUsage(t, c.body, code, stderr, "c.toml", c.want)
	}
	// A section of a check that this run skips is still validated: the file is wrong
	// whichever checks run. (It was refused as "no such check".)
	p := filepath.Join(dir, "c.toml")
	os.WriteFile(p, []byte("[checks.H002]\ntop_n = -1\n"), 0o600)
	code, _, stderr := runCLI(t, "run", "--config", p, "--checks", "A002", "--out", t.TempDir(), conn)
	wantUsage(t, "skipped check", code, stderr, `line 2: key "checks.H002.top_n"`)
}

// TestEveryThresholdValidated goes over the registry: every check's defaults, written
// to a file, pass validation; a negative value for any numeric field is refused.
func TestEveryThresholdValidated(t *testing.T) {
	conn := closedPort(t)
	dir := t.TempDir()
	p := filepath.Join(dir, "c.toml")
	var defaults bytes.Buffer
	fields := 0
	for _, ch := range all.Checks() {
		conf, ok := ch.(checks.Configurable)
		if !ok {
			continue
		}
		id := ch.Meta().ID
		fmt.Fprintf(&defaults, "[checks.%s]\n", id)
		if err := toml.NewEncoder(&defaults).Encode(conf.Config()); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		v := reflect.ValueOf(conf.Config()).Elem()
		for i := range v.NumField() {
			f := v.Type().Field(i)
			key := strings.Split(f.Tag.Get("toml"), ",")[0]
			switch f.Type.Kind() {
			case reflect.Int, reflect.Int64, reflect.Float64:
			default:
				continue
			}
			if _, text := v.Field(i).Addr().Interface().(interface{ UnmarshalText([]byte) error }); text {
				continue // read from text, which checks itself (a severity)
			}
			fields++
			os.WriteFile(p, []byte(fmt.Sprintf("[checks.%s]\n%s = -1\n", id, key)), 0o600)
			code, _, stderr := runCLI(t, "run", "--config", p, "--out", t.TempDir(), conn)
			wantUsage(t, id+"."+key+" = -1", code, stderr, fmt.Sprintf(`line 2: key "checks.%s.%s"`, id, key))
		}
	}
	if fields < 100 {
		t.Fatalf("only %d numeric fields found: the walk is broken", fields)
	}
	os.WriteFile(p, defaults.Bytes(), 0o600)
	code, _, stderr := runCLI(t, "run", "--config", p, "--out", t.TempDir(), "--connect-timeout", "1s", conn)
	if code != exitUnreachable {
		t.Fatalf("defaults written to a file: exit %d, want 3 (valid, port closed); stderr: %s\n%s", code, stderr, defaults.String())
	}
}

// TestOutFolderUnusable: an output folder that cannot be written is found before any
// connection (it was found after all checks ran, with exit 1).
func TestOutFolderUnusable(t *testing.T) {
	conn := closedPort(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o600)
	for name, out := range map[string]string{
		"a file in the way":     file,
		"a folder under a file": filepath.Join(file, "sub"),
		"the project is a file": dir, // project "file" below
	} {
		args := []string{"run", "--out", out, conn}
		if name == "the project is a file" {
			args = []string{"run", "--out", out, "--project", "file", conn}
		}
		code, stdout, stderr := runCLI(t, args...)
		wantUsage(t, name, code, stderr, "output folder")
		if stdout != "" {
			t.Errorf("%s: stdout %q", name, stdout)
		}
	}

	// Read-only: root ignores permission bits, but not the immutable attribute.
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o700)
	if err := exec.Command("chattr", "+i", ro).Run(); err != nil {
		t.Logf("chattr +i unavailable (%v): read-only case not exercised", err)
	} else {
		t.Cleanup(func() { exec.Command("chattr", "-i", ro).Run() })
		code, _, stderr := runCLI(t, "run", "--out", ro, conn)
		wantUsage(t, "read-only folder", code, stderr, "output folder", ro)
	}

	// A usable folder: the probe leaves nothing behind.
	ok := filepath.Join(dir, "ok")
	code, _, stderr := runCLI(t, "run", "--out", ok, "--project", "p", "--connect-timeout", "1s", conn)
	if code != exitUnreachable {
		t.Fatalf("usable folder: exit %d, want 3; stderr: %s", code, stderr)
	}
	if entries := reportEntries(t, filepath.Join(ok, "p")); len(entries) != 0 {
		t.Errorf("probe left %v", entries)
	}
}

// A check's own rules (checks.Validator on its settings) run after the generic one, and
// the message names the file and the section.
func TestCheckValidatorRuns(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.toml")
	os.WriteFile(p, []byte("project = \"x\"\n[checks.Z900]\nlow = 5.0\nhigh = 1.0\n"), 0o600)
	cfg := defaults()
	if err := loadFile(p, &cfg); err != nil {
		t.Fatal(err)
	}
	err := cfg.decodeChecks([]checks.Check{&orderedCheck{}})
	if err == nil || !strings.Contains(err.Error(), "c.toml: line 2: [checks.Z900]: low (5) is above high (1)") {
		t.Fatalf("got %v, want the check's own rule refusing the file", err)
	}
	var ce configError
	if !errors.As(err, &ce) {
		t.Fatalf("%T is not a usage error", err)
	}
}

// orderedCheck is a check whose two thresholds must be in order.
type orderedCheck struct{ cfg orderedSettings }

type orderedSettings struct {
	Low  float64 `toml:"low"`
	High float64 `toml:"high"`
}

func (s *orderedSettings) Validate() error {
	if s.Low > s.High {
		return fmt.Errorf("low (%v) is above high (%v)", s.Low, s.High)
	}
	return nil
}

func (c *orderedCheck) Meta() checks.Meta       { return checks.Meta{ID: "Z900"} }
func (c *orderedCheck) Queries() []checks.Query { return nil }
func (c *orderedCheck) Config() any             { return &c.cfg }
func (c *orderedCheck) Run(context.Context, *checks.Target) (*checks.Outcome, error) {
	return &checks.Outcome{}, nil
}

// TestOutFolderFull: a full filesystem is found by the probe, before any connection.
func TestOutFolderFull(t *testing.T) {
	conn := closedPort(t)
	mnt := t.TempDir()
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).Run(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v)", err)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	os.MkdirAll(filepath.Join(mnt, "default"), 0o700)
	// Fill it: the last write fails when the filesystem is full.
	f, err := os.Create(filepath.Join(mnt, "default", "filler"))
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		_, err = f.Write(make([]byte, 4096))
	}
	f.Close()
	code, _, stderr := runCLI(t, "run", "--out", mnt, conn)
	wantUsage(t, "full filesystem", code, stderr, "output folder", "no space left")
}

// TestProjectStaysInOut: a project name that is not one plain folder name is refused
// before anything is written or connected to.
func TestProjectStaysInOut(t *testing.T) {
	for _, p := range []string{"../x", "a/b", "..", "/abs", "", ".hidden"} {
		out := t.TempDir()
		code, _, stderr := runCLI(t, "run", "--out", out, "--project", p, "host=127.0.0.1 port=1")
		if code != exitUsage || !strings.Contains(stderr, "project") {
			t.Errorf("project %q: exit %d: %s", p, code, stderr)
		}
	}
}
