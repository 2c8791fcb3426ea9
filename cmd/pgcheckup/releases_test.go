package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/releases"
	"github.com/pgcheckup/pgcheckup/report"
)

// TestReleasesFileRefused: a release table given with --releases or the config key
// `releases` is an untrusted file; anything wrong with it is a usage error (exit 2)
// that names the file and what is wrong, before any connection.
func TestReleasesFileRefused(t *testing.T) {
	dir := t.TempDir()
	good := `{"as_of": "2026-11-01", "majors": [{"major": 17, "released": "2024-09-26", "eol": "2029-11-08",
		"minors": [{"minor": 10, "released": "2026-05-14"}]}]}`
	cases := []struct{ name, body, want string }{
		{"notjson.json", "majors: 17", "invalid character"},
		{"unknown.json", strings.Replace(good, `"majors"`, `"majorz": [], "majors"`, 1), `unknown field "majorz"`},
		{"trailing.json", good + "{}", "data after"},
		{"noasof.json", strings.Replace(good, `"as_of": "2026-11-01", `, "", 1), "missing as_of"},
		{"baddate.json", strings.Replace(good, "2026-11-01", "2026-13-01", 1), "month out of range"},
		{"future.json", strings.Replace(good, "2026-11-01", "2199-01-01", 1), "in the future"},
		{"nominor.json", strings.Replace(good, `{"minor": 10, "released": "2026-05-14"}`, "", 1), "no minors"},
		{"after.json", strings.Replace(good, "2026-05-14", "2026-11-02", 1), "and as_of 2026-11-01"},
		{"old.json", strings.Replace(good, `"major": 17`, `"major": 9`, 1), "want 10 to 999"},
		{"twice.json", strings.Replace(good, `{"minor": 10, "released": "2026-05-14"}`,
			`{"minor": 10, "released": "2026-05-14"}, {"minor": 10, "released": "2026-05-14"}`, 1), "17.10 appears twice"},
		{"missing.json", "", "no such file"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if c.body != "" {
			if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		code, _, stderr := runCLI(t, "run", "--releases", path, closedPort(t))
		wantUsage(t, "--releases "+c.name, code, stderr, path, c.want)
		conf := filepath.Join(dir, "c.toml")
		os.WriteFile(conf, []byte("releases = "+quoteTOML(path)+"\n"), 0o600)
		code, _, stderr = runCLI(t, "run", "--config", conf, closedPort(t))
		wantUsage(t, "config releases = "+c.name, code, stderr, path, c.want)
	}
	// A good file gets past validation: the run goes on to connect (exit 3).
	path := filepath.Join(dir, "good.json")
	os.WriteFile(path, []byte(good), 0o600)
	if code, _, stderr := runCLI(t, "run", "--releases", path, "--connect-timeout", "1s", closedPort(t)); code != exitUnreachable {
		t.Fatalf("a good table: exit %d, want %d: %s", code, exitUnreachable, stderr)
	}
}

func quoteTOML(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestReleasesFileChangesVerdict: the server runs the newest minor the built-in table
// knows; a newer table given with --releases (one more minor of the server's major)
// makes A002 and A013 say it is behind, and names the newer release.
func TestReleasesFileChangesVerdict(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	table, err := releases.Load()
	if err != nil {
		t.Fatal(err)
	}
	minor, err := strconv.Atoi(cl.Version[strings.IndexByte(cl.Version, '.')+1:])
	if err != nil {
		t.Fatalf("version %q: %v", cl.Version, err)
	}
	m := table.Find(cl.Major)
	if m == nil || m.Latest().Minor != minor {
		t.Skipf("server %s is not the newest minor of the built-in table", cl.Version)
	}
	run := func(extra ...string) map[string]checks.Finding {
		t.Helper()
		args := append([]string{"run", "-q", "--out", "-", "--checks", "A002,A013"}, extra...)
		code, stdout, stderr := runCLI(t, append(args, cl.ConnString("postgres"))...)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var r report.Report
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		got := map[string]checks.Finding{}
		for _, f := range r.Findings() {
			got[f.Code] = f.Finding
		}
		return got
	}
	before := run()
	for code, f := range before {
		t.Logf("built-in table: %s: %s", code, f.Conclusion)
	}
	for _, code := range []string{"A002/minor-behind", "A013/minor-update-available", "A013/minor-outdated"} {
		if _, ok := before[code]; ok {
			t.Fatalf("built-in table: %s on the newest minor: %+v", code, before)
		}
	}

	now := time.Now().UTC().Truncate(24 * time.Hour)
	m.Minors = append(m.Minors, releases.Minor{Minor: minor + 1, Released: releases.Date{Time: now}})
	table.AsOf = releases.Date{Time: now}
	body, err := json.Marshal(table)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "newer.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	after := run("--releases", path)
	newer := itoa(cl.Major) + "." + itoa(minor+1)
	for _, code := range []string{"A002/minor-behind", "A013/minor-update-available"} {
		f, ok := after[code]
		if !ok || !strings.Contains(f.Conclusion, newer) || !strings.Contains(f.Conclusion, now.Format(time.DateOnly)) {
			t.Errorf("--releases newer table: %s missing or not naming %s and the table's date: %+v", code, newer, after)
		}
		if strings.Contains(f.Conclusion, "may be stale") {
			t.Errorf("%s: a table of today labelled stale: %s", code, f.Conclusion)
		}
	}
	if _, ok := after["A013/release-table-old"]; ok {
		t.Errorf("a table of today reported old: %+v", after)
	}
}
