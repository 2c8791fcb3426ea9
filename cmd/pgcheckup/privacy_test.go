package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/report"
)

// outputs returns every file under dir, keyed by path.
func outputs(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			files[p] = string(b)
		}
		return nil
	})
	return files
}

// canaryRE finds canaries; the server folds unquoted SET values to lower case
// (ALTER DATABASE ... SET x TO CANARYQ_... is stored as canaryq_...).
var canaryRE = regexp.MustCompile(`CANARY[A-Z]*_[A-Za-z0-9_]*|canary(?:set|q)_[a-z0-9_]*`)

// TestCanaries plants canary strings wherever data and secrets live and runs every check
// in every output format and query-text mode: no canary may appear anywhere, except the
// query literals in raw mode.
func TestCanaries(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"archive_mode":     "on",
		"archive_command":  "PGPASSWORD=CANARYSET_archive /bin/true %p",
		"primary_conninfo": "host=10.1.2.3 user=rep password=CANARYSET_conninfo",
		"restore_command":  "curl -u bob:CANARYSET_restore https://backup.invalid/%f -o %p",
		"app.conf_key":     "CANARYSET_conffile", // a custom setting in postgresql.conf
	}})
	cl.MustExec(t, "postgres", fixture(t, "canary.sql"))
	// A statement with a literal running while the checks run.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	busy, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	go busy.Exec(ctx, "SELECT pg_sleep(60), 'CANARYQ_running'")
	time.Sleep(300 * time.Millisecond)

	for _, mode := range []string{"normalized", "none", "raw", "anonymize"} {
		t.Run(mode, func(t *testing.T) {
			out := t.TempDir()
			args := []string{"run", "-v", "--out", out}
			switch mode {
			case "raw":
				args = append(args, "--query-text", mode, "--allow-raw-query-text")
			case "anonymize":
				args = append(args, "--anonymize")
			default:
				args = append(args, "--query-text", mode)
			}
			code, stdout, stderr := runCLI(t, append(args, cl.ConnString("postgres"))...)
			if code != exitOK && code != exitCheckErrors {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			files := outputs(t, out)
			files["stdout"], files["stderr"] = stdout, stderr
			var kinds = map[string]bool{}
			for path, body := range files {
				for _, c := range canaryRE.FindAllString(body, -1) {
					if mode == "raw" && strings.HasPrefix(c, "CANARYQ_") {
						kinds[c] = true
						continue
					}
					t.Errorf("%s leaks %s", path, c)
				}
			}
			reportJSON := files[filepath.Join(strings.TrimSpace(stdout), "report.json")]
			// pg_stat_statements itself replaces the constants of plannable statements;
			// utility statements (CREATE/ALTER ROLE ... PASSWORD) keep theirs, and before 18
			// the values of ALTER ... SET too.
			if mode == "raw" && versionNum(t, reportJSON) < 180000 && !kinds["CANARYQ_alterdbto"] {
				t.Errorf("raw mode shows no ALTER DATABASE ... SET value: the canary test would not notice a leak (found %v)", kinds)
			}
			if mode == "raw" && !kinds["CANARYQ_createrolepw"] {
				t.Errorf("raw mode shows no query literal: the canary test would not notice a leak (found %v)", kinds)
			}
			if mode == "raw" && !strings.Contains(stderr, "RAW QUERY TEXTS") {
				t.Error("raw mode is not announced loudly in the log")
			}
			if mode != "none" && mode != "anonymize" && !strings.Contains(reportJSON, "canary_rows") {
				t.Error("report shows no statement on canary_rows: the canary test would not notice a leak")
			}
			if mode == "anonymize" {
				// The anonymizer's last pass may replace words anywhere in the report;
				// that nothing leaks is checked above, the layout in the other modes.
				return
			}
			// Custom settings are listed as set, without their values; a built-in one
			// set for a role keeps its value.
			custom := map[string]bool{"app.jwt_secret": true, "myapp.apikey": true, "myapp.token": true, "app.stmt_key": true, "myapp.other": true}
			hidden := 0
			for _, s := range overrides(t, reportJSON) {
				switch {
				case s.Hidden && s.Value == privacy.HiddenValue:
					hidden++
				case custom[string(s.Name)]:
					t.Errorf("A007 shows %s with %+v", s.Name, s)
				}
			}
			if hidden != len(custom) {
				t.Errorf("A007 lists %d hidden custom settings, want %d", hidden, len(custom))
			}
			if !slices.Contains(overrides(t, reportJSON), checks.Setting{Name: "work_mem", Value: "77MB"}) {
				t.Error("A007 does not show work_mem set for a role with its value")
			}
		})
	}
}

// versionNum returns the server version of the first node in a report.
func versionNum(t *testing.T, reportJSON string) int {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(reportJSON), &r); err != nil || len(r.Nodes) == 0 {
		t.Fatalf("report.json: %v, %d nodes", err, len(r.Nodes))
	}
	return r.Nodes[0].VersionNum
}

// overrides returns A007's entries of pg_db_role_setting in a report.
func overrides(t *testing.T, reportJSON string) []checks.Setting {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(reportJSON), &r); err != nil {
		t.Fatalf("report.json: %v", err)
	}
	var out []checks.Setting
	for _, c := range r.Checks {
		if c.ID != "A007" {
			continue
		}
		for _, res := range c.Results {
			var d struct {
				Overrides []checks.Setting `json:"overrides"`
			}
			if err := json.Unmarshal(res.Data, &d); err != nil {
				t.Fatalf("A007 data: %v", err)
			}
			out = append(out, d.Overrides...)
		}
	}
	return out
}

// TestAnonymize: with --anonymize no fixture name appears in any output, and two runs
// give the same pseudonyms.
func TestAnonymize(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	for _, stmt := range strings.Split(fixture(t, "anonymize.sql"), ";\n") {
		if strings.TrimSpace(stmt) != "" && !strings.HasPrefix(strings.TrimSpace(stmt), "--") {
			cl.MustExec(t, "postgres", stmt)
		}
	}
	cl.MustExec(t, "zeta_db", fixture(t, "anonymize_db.sql"))
	worker, err := pgx.Connect(context.Background(), cl.ConnString("zeta_db")+" application_name=zeta_worker")
	if err != nil {
		t.Fatal(err)
	}
	defer worker.Close(context.Background())
	out := t.TempDir()
	var pseudonyms [2]string
	for i := range 2 {
		code, stdout, stderr := runCLI(t, "run", "--anonymize", "--out", out, "--project", "anon", cl.ConnStringAs("zeta_app", "zeta_db"))
		if code != exitOK && code != exitCheckErrors {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		dir := strings.TrimSpace(stdout)
		files := outputs(t, dir)
		files["stdout"], files["stderr"] = stdout, stderr
		for path, body := range files {
			if m := regexp.MustCompile(`zeta_[a-z_]+`).FindString(body); m != "" {
				t.Errorf("run %d: %s shows the name %s", i+1, path, m)
			}
		}
		set := map[string]bool{}
		for _, p := range regexp.MustCompile(`n_[0-9a-f]{10}`).FindAllString(files[filepath.Join(dir, "report.json")], -1) {
			set[p] = true
		}
		pseudonyms[i] = strings.Join(sortedKeys(set), ",")
		time.Sleep(1100 * time.Millisecond) // a new timestamped folder for the second run
	}
	if pseudonyms[0] == "" || pseudonyms[0] != pseudonyms[1] {
		t.Fatalf("pseudonyms differ between runs or are missing:\n%s\n%s", pseudonyms[0], pseudonyms[1])
	}
	if _, err := os.Stat(filepath.Join(out, "anon", "anonymize.key")); err != nil {
		t.Fatalf("no key beside the reports: %v", err)
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestPasswordNeverShown: a password in the connection string appears in no output, log
// line or error message, whether the node is reachable or not.
func TestPasswordNeverShown(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	const pw = "CANARYPW_dsn"
	for _, dsn := range []string{
		fmt.Sprintf("postgres://postgres:%s@127.0.0.1:%d/postgres?sslmode=disable", pw, cl.Port),
		fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s dbname=nosuchdb sslmode=disable", cl.Port, pw),
		fmt.Sprintf("postgres://postgres:%s@127.0.0.1:1/postgres?connect_timeout=2", pw),
		fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s sslmode=bogus", cl.Port, pw),
	} {
		out := t.TempDir()
		code, stdout, stderr := runCLI(t, "run", "-v", "--out", out, dsn)
		files := outputs(t, out)
		files["stdout"], files["stderr"] = stdout, stderr
		for path, body := range files {
			if strings.Contains(body, pw) {
				t.Errorf("exit %d: %s shows the password:\n%s", code, path, body)
			}
		}
	}
}
