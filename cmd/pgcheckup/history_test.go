package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

func TestParseKeep(t *testing.T) {
	for in, want := range map[string]report.Retention{
		"3": {Count: 3}, "30d": {Age: 30 * 24 * time.Hour}, "2w": {Age: 14 * 24 * time.Hour},
		"36h": {Age: 36 * time.Hour}, " 1 ": {Count: 1},
	} {
		got, err := parseKeep(in)
		if err != nil || got.Retention != want {
			t.Errorf("parseKeep(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-1", "d", "0d", "x", "3x", "10s", "1.5d", ""} {
		if _, err := parseKeep(in); err == nil {
			t.Errorf("parseKeep(%q) accepted", in)
		}
	}
	dir := t.TempDir()
	for body, want := range map[string]report.Retention{
		"keep = 5\n":      {Count: 5},
		"keep = \"7d\"\n": {Age: 7 * 24 * time.Hour},
	} {
		path := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(path, []byte(body+"lock_wait = \"0s\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c := defaults()
		if err := loadFile(path, &c); err != nil || c.Keep.Retention != want || c.LockWait.Duration != 0 {
			t.Errorf("%q: keep %+v lock_wait %s, %v", body, c.Keep, c.LockWait.Duration, err)
		}
	}
	if code, _, stderr := runCLI(t, "run", "--keep", "0", "--out", t.TempDir()); code != exitUsage || !strings.Contains(stderr, "keep") {
		t.Errorf("--keep 0: exit %d, %s", code, stderr)
	}
}

// TestHistory shares one server between the history tests: retention, latest, the lock.
func TestHistory(t *testing.T) {
	// A clean cluster as --fail-on P2 sees it: G003 wants idle_in_transaction_session_timeout,
	// S002 scram (md5 is the default before 14); S004 below.
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"idle_in_transaction_session_timeout": "'10min'", "password_encryption": "'scram-sha-256'"}})
	if cl.Major < 15 { // S004: before 15 everyone may create in public
		cl.MustExec(t, "postgres", "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
	}
	cs := cl.ConnString("postgres")

	t.Run("keep 3 after five runs", func(t *testing.T) {
		out := t.TempDir()
		var dirs []string
		for i := range 5 {
			code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--project", "p", "--checks", "H003,A004", "--format", "json", "--keep", "3", cs)
			if code != exitOK {
				t.Fatalf("run %d: exit %d: %s", i, code, stderr)
			}
			dirs = append(dirs, filepath.Base(strings.TrimSpace(stdout)))
		}
		base := filepath.Join(out, "p")
		left, err := report.Folders(base)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range left {
			names = append(names, f.Name)
			readReport(t, filepath.Join(base, f.Name)) // each complete and readable
		}
		if !slices.Equal(names, dirs[2:]) {
			t.Fatalf("left %q, want the last three of %q", names, dirs)
		}
		target, err := os.Readlink(filepath.Join(base, report.LatestName))
		if err != nil || target != dirs[4] {
			t.Fatalf("latest -> %q (%v), want %q", target, err, dirs[4])
		}
		entries, _ := os.ReadDir(base)
		for _, e := range entries {
			if n := e.Name(); !slices.Contains(dirs, n) && n != report.LatestName && n != lockName {
				t.Errorf("left behind: %s", n)
			}
		}
	})

	t.Run("two runs of one project take turns", func(t *testing.T) {
		out := t.TempDir()
		var wg sync.WaitGroup
		dirs := make([]string, 2)
		codes := make([]int, 2)
		for i := range 2 {
			wg.Go(func() {
				var stdout string
				codes[i], stdout, _ = runCLI(t, "run", "-q", "--out", out, "--project", "p", "--checks", "H003,A004,F004", "--format", "json", cs)
				dirs[i] = strings.TrimSpace(stdout)
			})
		}
		wg.Wait()
		if codes[0] != exitOK || codes[1] != exitOK {
			t.Fatalf("exits %v", codes)
		}
		a, b := readReport(t, dirs[0]), readReport(t, dirs[1])
		if b.StartedAt.Before(a.StartedAt) {
			a, b = b, a
		}
		t.Logf("first %s .. %s, second %s .. %s", a.StartedAt.Format(time.StampMilli), a.FinishedAt.Format(time.StampMilli),
			b.StartedAt.Format(time.StampMilli), b.FinishedAt.Format(time.StampMilli))
		if b.StartedAt.Before(a.FinishedAt) {
			t.Fatalf("the runs overlapped: the second started %s before the first finished",
				a.FinishedAt.Sub(b.StartedAt))
		}
		if len(a.Checks) == 0 || len(a.Checks) != len(b.Checks) {
			t.Fatalf("reports not complete: %d and %d checks", len(a.Checks), len(b.Checks))
		}
	})

	t.Run("a held lock: wait, give up with exit 7, or go on once it is free", func(t *testing.T) {
		out := t.TempDir()
		if err := os.MkdirAll(filepath.Join(out, "p"), 0o755); err != nil {
			t.Fatal(err)
		}
		held := flock.New(filepath.Join(out, "p", lockName))
		if ok, err := held.TryLock(); !ok || err != nil {
			t.Fatal(ok, err)
		}
		args := []string{"run", "-q", "--out", out, "--project", "p", "--checks", "H003"}
		code, _, stderr := runCLI(t, append(args, "--lock-wait", "0", cs)...)
		if code != exitLocked || !strings.Contains(stderr, "another run of this project holds") {
			t.Fatalf("lock held, --lock-wait 0: exit %d: %s", code, stderr)
		}
		start := time.Now()
		code, _, _ = runCLI(t, append(args, "--lock-wait", "1s", cs)...)
		if took := time.Since(start); code != exitLocked || took < time.Second || took > 3*time.Second {
			t.Fatalf("lock held, --lock-wait 1s: exit %d after %s", code, took)
		}
		if f, _ := report.Folders(filepath.Join(out, "p")); len(f) != 0 {
			t.Fatalf("a run without the lock wrote %d reports", len(f))
		}
		time.AfterFunc(500*time.Millisecond, func() { held.Unlock() })
		code, stdout, stderr := runCLI(t, append(args, "--lock-wait", "30s", cs)...)
		if code != exitOK || strings.TrimSpace(stdout) == "" {
			t.Fatalf("lock freed while waiting: exit %d: %s", code, stderr)
		}
	})

	t.Run("a killed holder leaves no lock behind", func(t *testing.T) {
		if _, err := exec.LookPath("flock"); err != nil {
			t.Skip("util-linux flock(1) not installed")
		}
		out := t.TempDir()
		lock := filepath.Join(out, "p", lockName)
		if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
			t.Fatal(err)
		}
		// -o: the lock is flock(1)'s own, not inherited by sleep, so killing flock(1) is
		// killing the holder.
		holder := exec.Command("flock", "-o", lock, "sleep", "60")
		holder.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := holder.Start(); err != nil {
			t.Fatal(err)
		}
		defer syscall.Kill(-holder.Process.Pid, syscall.SIGKILL) // and the sleep
		for probe := flock.New(lock); ; time.Sleep(20 * time.Millisecond) {
			if ok, _ := probe.TryLock(); !ok {
				break // the holder has it
			}
			probe.Unlock()
		}
		// SIGKILL to flock(1) and its child, which shares the locked file until its exec.
		syscall.Kill(-holder.Process.Pid, syscall.SIGKILL)
		holder.Wait()
		code, _, stderr := runCLI(t, "run", "-q", "--out", out, "--project", "p", "--checks", "H003", "--lock-wait", "0", cs)
		if code != exitOK {
			t.Fatalf("after the holder was killed: exit %d: %s", code, stderr)
		}
	})

	// Last: it loads the demo database into the shared server.
	t.Run("the documented cron line: 0 on a clean cluster, 5 with --fail-on P2 on the demo", func(t *testing.T) {
		testCronLine(t, cl)
	})
}
