package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHostArgs(t *testing.T) {
	got := hostArgs([]string{"primary=127.0.0.1:5432", "standby1=127.0.0.1:5433"})
	want := []string{"-h", "primary=127.0.0.1:5432", "-h", "standby1=127.0.0.1:5433"}
	if !slices.Equal(got, want) {
		t.Fatalf("hostArgs = %q, want %q", got, want)
	}
}

func TestNodeConnString(t *testing.T) {
	if got, want := nodeConnString("127.0.0.1:5433"), "host=127.0.0.1 port=5433 user=postgres dbname=postgres sslmode=disable"; got != want {
		t.Fatalf("nodeConnString = %q, want %q", got, want)
	}
}

func TestPrintNodes(t *testing.T) {
	s := time.Second
	r := nodesResult{Tables: 1000, Standbys: 3, Version: "15.18", Nodes: 4,
		One: []time.Duration{2 * s, 1 * s, 3 * s}, All: []time.Duration{2 * s, 4 * s, 1 * s}}
	var b strings.Builder
	printNodes(&b, r)
	out := b.String()
	for _, want := range []string{
		"4 nodes (a primary and 3 streaming standbys) against 1, 1,000 tables (PostgreSQL 15.18)",
		"1 node   2.00 s median (1.00 s–3.00 s) over 3 runs",
		"4 nodes  2.00 s median (1.00 s–4.00 s) over 3 runs",
		"1.00× (target under 1.5×: met)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "nodes in the report") || strings.Contains(out, "errors") || strings.Contains(out, "time in checks") ||
		strings.Contains(out, "CPU per run") || strings.Contains(out, "catalog floor") {
		t.Errorf("every node checked and no error, yet:\n%s", out)
	}

	r.All = []time.Duration{3 * s, 3 * s, 3 * s} // 1.5× exactly is not under the target
	r.Nodes, r.Errors = 3, []string{"standby2: connection refused"}
	r.OneChecks, r.PerNode = 1500*time.Millisecond, []nodeTime{{"primary", 2 * s}, {"standby1", 2500 * time.Millisecond}}
	r.CPUs, r.Load1 = 2, [2]string{"3.10", "4.20"}
	r.OneSpan, r.AllSpan = 1600*time.Millisecond, 2600*time.Millisecond
	r.OneCPU, r.AllCPU = cpuTime{800 * time.Millisecond, 700 * time.Millisecond}, cpuTime{2 * s, 3 * s}
	r.FloorOne, r.FloorAll = []time.Duration{200 * time.Millisecond}, []time.Duration{360 * time.Millisecond}
	b.Reset()
	printNodes(&b, r)
	out = b.String()
	for _, want := range []string{"1.50× (target under 1.5×: NOT met)", "nodes in the report     3 of 4",
		"errors                  standby2: connection refused",
		"time in checks          1 node: 1.50 s; 4 nodes (median run): primary 2.00 s, standby1 2.50 s",
		"connect and check       1 node: 1.60 s; 4 nodes: 2.60 s",
		"CPU per run (medians)   1 node: pgcheckup 0.80 s + server 0.70 s; 4 nodes: pgcheckup 2.00 s + servers 3.00 s",
		"CPU bound               4 nodes need 5.00 s of CPU on 2 CPUs: at least 2.50 s of wall, 1.25× the 1-node median",
		"2 CPUs shared by all 4 servers and pgcheckup; load average 3.10 before, 4.20 after",
		"catalog floor           1 node: 0.20 s; 4 nodes at once: 0.36 s (medians): 1.80× with nothing of pgcheckup's work"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
