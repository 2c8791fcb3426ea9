package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/demodb"
)

func TestRunArgs(t *testing.T) {
	got := runArgs("/out", []node{{"primary", 5432}, {"standby1", 5433}, {"standby2", 5434}}, []string{"--checks", "A003"})
	want := []string{"run", "--project", "demo", "--out", "/out", "--host-ram", "16GB", "--host-cpus", "4",
		"--checks", "A003",
		"-h", "primary=127.0.0.1:5432", "-h", "standby1=127.0.0.1:5433", "-h", "standby2=127.0.0.1:5434",
		"user=checkup dbname=demo sslmode=disable"}
	if !slices.Equal(got, want) {
		t.Fatalf("runArgs =\n%q\nwant\n%q", got, want)
	}
	// The report is the monitoring role's view, never the superuser's.
	if last := got[len(got)-1]; !strings.Contains(last, "user="+demodb.Monitor+" ") {
		t.Errorf("connection string %q does not name the monitoring role", last)
	}
}

// Only the second standby differs, by one setting: A006's one row.
func TestStandbySettings(t *testing.T) {
	if s := standbySettings(1); len(s) != 0 {
		t.Errorf("standby1 settings = %v, want none", s)
	}
	// Not a setting the demo database overrides (ALTER DATABASE demo SET work_mem), or
	// sessions there would see the same value on every node.
	if s := standbySettings(2); len(s) != 1 || s["effective_cache_size"] == "" {
		t.Errorf("standby2 settings = %v, want one effective_cache_size", s)
	}
	if s := standbySettings(3); len(s) != 0 {
		t.Errorf("standby3 settings = %v, want none", s)
	}
}
