package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/faultproxy"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

// TestSignals sends signals to the real binary while the fault proxy holds a statement
// (or the identify query) unanswered, so the run is caught mid-check every time.
func TestSignals(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	bin := filepath.Join(t.TempDir(), "pgcheckup")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}

	t.Run("interrupt writes the report marked interrupted", func(t *testing.T) {
		p := stallOn(t, cl, "/* pgcheckup A004")
		r := startRun(t, bin, p)
		waitFired(t, p)
		r.signal(t, syscall.SIGINT)
		code := r.wait(t, 10*time.Second)
		if code != exitInterrupted {
			t.Fatalf("exit %d, want %d\nstderr: %s", code, exitInterrupted, r.stderr.String())
		}
		rep := readReport(t, strings.TrimSpace(r.stdout.String()))
		if !rep.Interrupted {
			t.Error("report.json not marked interrupted")
		}
		for _, c := range rep.Checks {
			if c.ID == "A004" && (c.Results[0].Status != "skipped" || !strings.Contains(c.Results[0].Reason, "interrupted")) {
				t.Errorf("A004 %+v", c.Results[0])
			}
		}
		md, err := os.ReadFile(filepath.Join(strings.TrimSpace(r.stdout.String()), "report.md"))
		if err != nil || !bytes.Contains(md, []byte("**Interrupted:")) {
			t.Errorf("report.md has no interrupted banner (%v)", err)
		}
	})

	t.Run("a second signal quits at once", func(t *testing.T) {
		p := stallOn(t, cl, "/* pgcheckup A004")
		r := startRun(t, bin, p)
		waitFired(t, p)
		r.signal(t, syscall.SIGTERM)
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		r.signal(t, syscall.SIGTERM)
		code := r.wait(t, 10*time.Second)
		// Without the second signal the stalled statement takes the cancel grace (1s) to
		// end, and a report is written.
		if code != exitInterrupted || time.Since(start) > 500*time.Millisecond || r.stdout.Len() > 0 {
			t.Fatalf("exit %d after %s, stdout %q, want %d at once and no report\nstderr: %s",
				code, time.Since(start), r.stdout.String(), exitInterrupted, r.stderr.String())
		}
	})

	t.Run("interrupt while connecting", func(t *testing.T) {
		p := stallOn(t, cl, "/* pgcheckup node")
		r := startRun(t, bin, p)
		waitFired(t, p)
		r.signal(t, syscall.SIGINT)
		code := r.wait(t, 10*time.Second)
		if code != exitInterrupted {
			t.Fatalf("exit %d, want %d\nstderr: %s", code, exitInterrupted, r.stderr.String())
		}
		rep := readReport(t, strings.TrimSpace(r.stdout.String()))
		if !rep.Interrupted || rep.Nodes[0].Error != report.NodeInterrupted {
			t.Errorf("interrupted %v, node %+v", rep.Interrupted, rep.Nodes[0])
		}
	})
}

func stallOn(t *testing.T, cl *pgtest.Cluster, match string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.Start(fmt.Sprintf("127.0.0.1:%d", cl.Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	p.Add(faultproxy.Rule{Match: match, Fault: faultproxy.Stall})
	return p
}

func waitFired(t *testing.T, p *faultproxy.Proxy) {
	t.Helper()
	select {
	case <-p.Fired():
	case <-time.After(20 * time.Second):
		t.Fatal("the proxy's rule never fired")
	}
}

type binRun struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan error
}

func startRun(t *testing.T, bin string, p *faultproxy.Proxy) *binRun {
	t.Helper()
	cs := fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=postgres sslmode=disable", p.Port(), pgtest.Superuser)
	r := &binRun{done: make(chan error, 1)}
	r.cmd = exec.Command(bin, "run", "-q", "--out", t.TempDir(), "--project", "p", "--checks", "A002,A003,A004,A005",
		"--connect-timeout", "1m", "--check-timeout", "1m", cs)
	r.cmd.Stdout, r.cmd.Stderr = &r.stdout, &r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

func (r *binRun) signal(t *testing.T, s os.Signal) {
	t.Helper()
	if err := r.cmd.Process.Signal(s); err != nil {
		t.Fatal(err)
	}
}

// wait returns the exit code, failing the test if the process is still running after limit.
func (r *binRun) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-r.done:
		r.done <- nil // for the cleanup
		return r.cmd.ProcessState.ExitCode()
	case <-time.After(limit):
		t.Fatalf("still running %s after the signal\nstderr: %s", limit, r.stderr.String())
		return 0
	}
}
