package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// fleetIndexFile is index.json as a reader outside the program sees it.
type fleetIndexFile struct {
	Project          string `json:"project"`
	ParallelClusters int    `json:"parallel_clusters"`
	ExitCode         int    `json:"exit_code"`
	Clusters         []struct {
		Name     string `json:"name"`
		Status   string `json:"status"`
		ExitCode int    `json:"exit_code"`
		Report   string `json:"report"`
		Page     string `json:"page"`
		Markdown string `json:"markdown"`
		Counts   *struct {
			P1, P2, P3 int
		} `json:"counts"`
		Error   string          `json:"error"`
		Changes json.RawMessage `json:"changes"`
	} `json:"clusters"`
}

func readFleetIndex(t *testing.T, dir string) fleetIndexFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx fleetIndexFile
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

func unusedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestFleet is issue 20's fleet acceptance: 12 clusters, one of them down, give 12
// entries in the index, 11 reports and one "unreachable". The 11 clusters that are up
// are two real servers under different names (and databases): each name is a separate
// cluster run through the fleet path (its own sessions, report folder and settings),
// which is what the fleet adds; more servers would only add start-up time.
func TestFleet(t *testing.T) {
	a := pgtest.ForTest(t, pgtest.Options{})
	b := pgtest.ForTest(t, pgtest.Options{})
	// A foreign key without an index (H003, P3) in a's database shop only.
	a.MustExec(t, "postgres", "CREATE DATABASE shop")
	a.MustExec(t, "shop", "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p_id int REFERENCES p)")
	down := unusedPort(t)

	var cfg strings.Builder
	cfg.WriteString("project = \"fleet\"\nconnect_timeout = \"3s\"\ndbname = \"postgres\"\nchecks = [\"H003\"]\n")
	cluster := func(name string, port int, extra string) {
		fmt.Fprintf(&cfg, "\n[[cluster]]\nname = %q\n", name)
		if !strings.Contains(extra, "connection") {
			fmt.Fprintf(&cfg, "connection = \"host=127.0.0.1 port=%d user=postgres sslmode=disable\"\n", port)
		}
		cfg.WriteString(extra)
	}
	cluster("a-shop", a.Port, "dbname = \"shop\"\nfail_on = \"P3\"\n")
	for i := 1; i <= 5; i++ {
		cluster(fmt.Sprintf("a-%d", i), a.Port, "")
	}
	// The one that is down has a password: it must not reach the index or the logs.
	cluster("down", down, "connection = \"host=127.0.0.1 port="+fmt.Sprint(down)+" user=postgres password=Fleet-s3cret sslmode=disable\"\n")
	for i := 1; i <= 5; i++ {
		cluster(fmt.Sprintf("b-%d", i), b.Port, "")
	}
	path := filepath.Join(t.TempDir(), "fleet.toml")
	if err := os.WriteFile(path, []byte(cfg.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "--config", path)
	t.Logf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	if code != exitUnreachable {
		t.Errorf("exit %d, want %d (the worst of the clusters': one is down)", code, exitUnreachable)
	}
	indexDir := filepath.Join(out, "fleet")
	if strings.TrimSpace(stdout) != indexDir {
		t.Errorf("stdout %q, want the index folder %s", stdout, indexDir)
	}
	idx := readFleetIndex(t, indexDir)
	if len(idx.Clusters) != 12 || idx.ParallelClusters != 4 || idx.ExitCode != exitUnreachable {
		t.Fatalf("index: %d clusters, parallel %d, exit %d; want 12, 4, 3", len(idx.Clusters), idx.ParallelClusters, idx.ExitCode)
	}
	reports := 0
	for _, e := range idx.Clusters {
		want, wantCode := "ok", exitOK
		switch e.Name {
		case "down":
			want, wantCode = "unreachable", exitUnreachable
		case "a-shop":
			want, wantCode = "findings", exitFailOn
		}
		if e.Status != want || e.ExitCode != wantCode {
			t.Errorf("%s: status %s exit %d (%s), want %s exit %d", e.Name, e.Status, e.ExitCode, e.Error, want, wantCode)
		}
		if string(e.Changes) != "null" {
			t.Errorf("%s: changes %s before any comparison exists", e.Name, e.Changes)
		}
		if e.Report == "" {
			if e.Counts != nil || e.Error == "" {
				t.Errorf("%s: no report, but counts %v and error %q", e.Name, e.Counts, e.Error)
			}
			continue
		}
		reports++
		// The cluster's report is a full report of its own, under OUT/PROJECT/<name>/.
		if !strings.HasPrefix(e.Report, e.Name+"/") || e.Page != e.Report+"/report.html" {
			t.Errorf("%s: report %q page %q", e.Name, e.Report, e.Page)
		}
		r := readReport(t, filepath.Join(indexDir, e.Report))
		if r.Project != e.Name || len(r.Checks) != 1 {
			t.Errorf("%s: report of project %q with %d checks", e.Name, r.Project, len(r.Checks))
		}
		if p3 := r.Count(checks.P3); e.Counts == nil || e.Counts.P3 != p3 || (e.Name == "a-shop") != (p3 > 0) {
			t.Errorf("%s: index counts %+v, report has %d P3", e.Name, e.Counts, p3)
		}
		for _, f := range []string{e.Page, e.Markdown} {
			if _, err := os.Stat(filepath.Join(indexDir, f)); err != nil || f == "" {
				t.Errorf("%s: %q: %v", e.Name, f, err)
			}
		}
	}
	if reports != 11 {
		t.Errorf("%d reports, want 11", reports)
	}
	// index.md and index.html are rendered from index.json: every cluster, nothing fetched.
	if strings.Contains(stderr, "Fleet-s3cret") {
		t.Errorf("stderr shows the password")
	}
	for _, f := range []string{"index.json", "index.md", "index.html"} {
		b, err := os.ReadFile(filepath.Join(indexDir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range idx.Clusters {
			if !strings.Contains(string(b), e.Name) {
				t.Errorf("%s does not list %s", f, e.Name)
			}
		}
		if strings.Contains(string(b), "Fleet-s3cret") {
			t.Errorf("%s shows the password", f)
		}
		if s := string(b); strings.Contains(s, "http://") || strings.Contains(s, "https://") || strings.Contains(s, "<script") {
			t.Errorf("%s loads something from elsewhere", f)
		}
	}

	// --clusters picks some, in the file's order; one cluster's configuration error
	// (a bad host ram) does not stop the other, and its exit code (2) is the fleet's.
	bad := cfg.String() + "\n[[cluster]]\nname = \"bad\"\n[cluster.machine]\nram = \"lots\"\n"
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCLI(t, "run", "-q", "--out", out, "--config", path, "--clusters", "bad,b-2", "--parallel-clusters", "1")
	idx = readFleetIndex(t, indexDir)
	var got []string
	for _, e := range idx.Clusters {
		got = append(got, e.Name+":"+e.Status)
	}
	if code != exitUsage || !slices.Equal(got, []string{"b-2:ok", "bad:config_error"}) || idx.ParallelClusters != 1 {
		t.Errorf("--clusters bad,b-2: exit %d, index %v (parallel %d); want 2, [b-2:ok bad:config_error]\n%s", code, got, idx.ParallelClusters, stderr)
	}
	if !strings.Contains(stderr, "cluster bad: [machine] ram") {
		t.Errorf("stderr does not name the bad cluster's error: %s", stderr)
	}
}
