package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks/a002"
)

// TestFleetConfig: each [[cluster]] inherits what it does not set from the top level,
// its [cluster.checks.X] goes over [checks.X] key by key, flags go over both, and one
// cluster's values never reach another's. No server: nothing connects.
func TestFleetConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.toml")
	body := `project = "prod"
username = "mon"
databases = ["a", "b"]
parallel_nodes = 2
[host]
ram = "16GB"
cpus = 8
[checks.A002]
eol_warn_months = 6
table_max_age_days = 30

[[cluster]]
name = "two"
username = "other"
dbname = "shop"
hosts = ["10.0.0.2"]
[cluster.host]
cpus = 32
[cluster.checks.A002]
eol_warn_months = 3

[[cluster]]
name = "one"
hosts = ["10.0.0.1:5433"]
`
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	base := defaults()
	if err := loadFile(path, &base); err != nil {
		t.Fatal(err)
	}
	f := newRunFlags()
	if err := f.fs.Parse([]string{"--config", path, "--statement-timeout", "5s"}); err != nil {
		t.Fatal(err)
	}
	got, err := fleetClusters(&base, f.apply, "/out/prod")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d clusters, want 2", len(got))
	}
	for _, fc := range got {
		if fc.err != nil {
			t.Fatalf("cluster %s: %v", fc.name, fc.err)
		}
	}
	eol := func(fc *fleetCluster) (int, int) {
		for _, ch := range fc.list {
			if c, ok := ch.(*a002.Check); ok {
				s := c.Config().(*a002.Config)
				return s.EOLWarnMonths, s.TableMaxAgeDays
			}
		}
		t.Fatalf("cluster %s has no A002", fc.name)
		return 0, 0
	}
	type view struct {
		Project, Out, Username string
		Databases, Hosts       []string
		RAM                    string
		CPUs, ParallelNodes    int
		StatementTimeout       string
		EOL, TableAge          int
	}
	see := func(fc *fleetCluster) view {
		c := &fc.cfg
		e, a := eol(fc)
		return view{c.Project, c.Out, c.Username, c.Databases, c.Hosts, c.Host.RAM, c.Host.CPUs, c.ParallelNodes,
			c.StatementTimeout.String(), e, a}
	}
	wantTwo := view{"two", "/out/prod", "other", []string{"shop"}, []string{"10.0.0.2"}, "16GB", 32, 2, "5s", 3, 30}
	wantOne := view{"one", "/out/prod", "mon", []string{"a", "b"}, []string{"10.0.0.1:5433"}, "16GB", 8, 2, "5s", 6, 30}
	if v := see(got[0]); !reflect.DeepEqual(v, wantTwo) {
		t.Errorf("cluster two:\n got %+v\nwant %+v", v, wantTwo)
	}
	if v := see(got[1]); !reflect.DeepEqual(v, wantOne) {
		t.Errorf("cluster one:\n got %+v\nwant %+v", v, wantOne)
	}
	// The top level is left as the file set it.
	if base.Username != "mon" || base.Host.CPUs != 8 || len(base.Databases) != 2 || base.Databases[0] != "a" {
		t.Errorf("the top level changed: %+v", base)
	}
}

// TestFleetConfigErrors: what is wrong with the file as a whole stops the run before
// anything connects, naming the file and the key.
func TestFleetConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "fleet.toml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := "[[cluster]]\nname = \"a\"\nconnection = \"host=127.0.0.1 port=1\"\n"
	cases := []struct {
		body string
		args []string
		want string
	}{
		{"[[cluster]]\nhosts = [\"x\"]\n", nil, "[[cluster]] number 1 has no name"},
		{ok + ok, nil, `cluster name "a" is used twice`},
		{"[[cluster]]\nname = \"a/b\"\n", nil, `cluster name "a/b"`},
		{ok + "bogus = 1\n", nil, `line 4: unknown key "cluster.bogus"`},
		{ok + "[cluster.checks.A002]\nnope = 2\n", nil, `unknown key "cluster.checks.A002.nope"`},
		{ok + "project = \"x\"\n", nil, `key "cluster.project": set it at the top level`},
		{ok, []string{"--clusters", "a,zz"}, `--clusters: no cluster named "zz"`},
		{ok, []string{"host=127.0.0.1"}, "no CONNSTRING argument"},
		{ok, []string{"-h", "127.0.0.1"}, "--host does not apply to a fleet"},
		{ok, []string{"--parallel-clusters", "-1"}, "parallel_clusters: -1 is negative"},
		{"project = \"x\"\n", []string{"--clusters", "a"}, "--clusters needs a configuration file with [[cluster]] tables"},
	}
	for _, c := range cases {
		args := append([]string{"run", "-q", "--out", dir, "--config", write(c.body)}, c.args...)
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("config %q %v: exit %d, stderr %q; want exit 2 mentioning %q", c.body, c.args, code, stderr, c.want)
		}
	}
}

// TestFleetInterrupted: once a signal came, clusters not yet started do not start; the
// index still lists them, and the fleet exits 130. Nothing connects.
func TestFleetInterrupted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fleet.toml")
	body := "project = \"f\"\n[[cluster]]\nname = \"a\"\nconnection = \"host=127.0.0.1 port=1\"\n" +
		"[[cluster]]\nname = \"b\"\nconnection = \"host=127.0.0.1 port=1\"\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errInterrupted)
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"run", "-q", "--out", dir, "--config", path}, &stdout, &stderr)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", code, exitInterrupted, stderr.String())
	}
	idx := readFleetIndex(t, filepath.Join(dir, "f"))
	if len(idx.Clusters) != 2 || idx.Clusters[0].Status != "interrupted" || idx.Clusters[1].Status != "interrupted" {
		t.Errorf("index %+v: want both clusters interrupted", idx.Clusters)
	}
}

// TestFleetConfigKeyNames: a [[cluster]] may name its servers `nodes` (or the deprecated
// `hosts`) and its machine [cluster.machine] (or [cluster.host]), over a top level that
// uses either name, and inherits the facts it does not set.
func TestFleetConfigKeyNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fleet.toml")
	body := `[machine]
ram = "16GB"
cpus = 8

[[cluster]]
name = "new"
nodes = ["10.0.0.1"]
[cluster.machine]
cpus = 32

[[cluster]]
name = "old"
hosts = ["10.0.0.2"]
[cluster.host]
ram = "8GB"

[[cluster]]
name = "both"
hosts = ["10.0.0.3"]
nodes = ["10.0.0.3"]
`
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	base := defaults()
	if err := loadFile(path, &base); err != nil {
		t.Fatal(err)
	}
	got, err := fleetClusters(&base, newRunFlags().apply, "/out/prod")
	if err != nil {
		t.Fatal(err)
	}
	type view struct {
		Hosts      []string
		RAM        string
		CPUs       int
		Deprecated int
	}
	want := map[string]view{
		"new": {[]string{"10.0.0.1"}, "16GB", 32, 0},
		"old": {[]string{"10.0.0.2"}, "8GB", 8, 2},
	}
	for _, fc := range got {
		if fc.name == "both" {
			if fc.err == nil || !strings.Contains(fc.err.Error(), `both "hosts" and "nodes"`) {
				t.Errorf("cluster both: error %v, want one naming both keys", fc.err)
			}
			continue
		}
		if fc.err != nil {
			t.Fatalf("cluster %s: %v", fc.name, fc.err)
		}
		c := &fc.cfg
		v := view{c.Hosts, c.Host.RAM, c.Host.CPUs, len(c.deprecated) - len(base.deprecated)}
		if !reflect.DeepEqual(v, want[fc.name]) {
			t.Errorf("cluster %s:\n got %+v\nwant %+v", fc.name, v, want[fc.name])
		}
	}
}
