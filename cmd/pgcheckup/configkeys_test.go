package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// `nodes` names the servers and [machine] the facts of the machine; the old names
// `hosts` and [host] still work, with a warning.
func TestConfigNodesAndMachine(t *testing.T) {
	c := defaults()
	if err := loadFile(writeConfig(t, "nodes = [\"db1\", \"replica=db2:5433\"]\n[machine]\nram = \"64GB\"\ncpus = 16\n"), &c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Hosts, []string{"db1", "replica=db2:5433"}) || c.hostFacts().RAMBytes != 64<<30 || c.hostFacts().CPUs != 16 || len(c.deprecated) != 0 {
		t.Errorf("new keys: hosts %v, facts %+v, deprecated %v", c.Hosts, c.hostFacts(), c.deprecated)
	}
	if err := c.decodeChecks(nil); err != nil {
		t.Errorf("new keys are known: %v", err)
	}

	old := "hosts = [\"db1\"]\n[host]\nram = \"8GB\"\n[checks.Z999]\nx = 1\n"
	c = defaults()
	if err := loadFile(writeConfig(t, old), &c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Hosts, []string{"db1"}) || c.hostFacts().RAMBytes != 8<<30 || len(c.deprecated) != 2 {
		t.Errorf("old keys: hosts %v, facts %+v, deprecated %v", c.Hosts, c.hostFacts(), c.deprecated)
	}
	// The warning is logged by run, before the file's other errors are reported.
	_, _, stderr := runCLI(t, "run", "--config", writeConfig(t, old), "host=127.0.0.1 port=1")
	if !strings.Contains(stderr, `\"hosts\" is now \"nodes\"`) || !strings.Contains(stderr, "[host] is now [machine]") {
		t.Errorf("no deprecation warning: %s", stderr)
	}

	c = defaults()
	if err := loadFile(writeConfig(t, "hosts = [\"a\"]\nnodes = [\"b\"]\n"), &c); err == nil || !strings.Contains(err.Error(), "keep \"nodes\"") {
		t.Errorf("both keys: %v", err)
	}
}

// A value of the wrong type is named in the file's words, not the program's types.
func TestConfigTypeErrorsForUsers(t *testing.T) {
	goType := regexp.MustCompile(`int64|float64|slice|destination|incompatible`)
	for body, want := range map[string]string{
		"port = \"5432\"\n":                        `line 1: port: want an integer, got a string`,
		"parallel_nodes = 2.5\n":                   `line 1: parallel_nodes: want an integer, got a number with a fraction`,
		"nodes = \"db1\"\n":                        `line 1: nodes: want a list ([...]), got a string`,
		"[machine]\ncpus = \"16\"\n":               `line 2: machine.cpus: want an integer, got a string`,
		"[checks.A002]\neol_warn_months = \"x\"\n": `line 2: checks.A002.eol_warn_months: want an integer, got a string`,
	} {
		code, _, stderr := runCLI(t, "run", "--config", writeConfig(t, body), "host=127.0.0.1 port=1")
		if code != exitUsage || !strings.Contains(stderr, want) || goType.MatchString(stderr) {
			t.Errorf("%q: exit %d, %s\nwant %q", body, code, stderr, want)
		}
	}
}
