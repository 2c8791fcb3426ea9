package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

// defsFixture plants literals from user data in every kind of definition the catalog
// keeps: a partial index predicate (twice, so H004 pastes it into a finding), a CHECK
// constraint not yet validated (L005 shows it), an expression index and a column default.
const defsFixture = `
CREATE TABLE defs_orders (id bigint PRIMARY KEY, status text, email text,
    note text DEFAULT 'CANARYDEF_default', secret text);
CREATE INDEX defs_partial ON defs_orders (status) WHERE status = 'CANARYDEF_partial';
CREATE INDEX defs_partial_copy ON defs_orders (status) WHERE status = 'CANARYDEF_partial';
CREATE INDEX defs_expr ON defs_orders ((lower(email) || 'CANARYDEF_expr'));
ALTER TABLE defs_orders ADD CONSTRAINT defs_check CHECK (secret <> 'CANARYDEF_check') NOT VALID;
`

const defsApp = "app token=CANARYAPP_x"

var defsCanaryRE = regexp.MustCompile(`CANARY(DEF|APP)_[A-Za-z0-9_]*`)

// TestDefinitionsWithoutData: literals of definitions appear in no output unless the run
// opts in, and an application name that looks like a secret assignment leaks in no mode
// and keeps its code span intact in Markdown.
func TestDefinitionsWithoutData(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", defsFixture)
	// A session of the application, idle in transaction while the checks run.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cc, err := pgx.ParseConfig(cl.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	cc.RuntimeParams["application_name"] = defsApp
	app, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(context.Background())
	if _, err := app.Exec(ctx, "BEGIN; SELECT 1"); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(t.TempDir(), "pgcheckup.toml")
	if err := os.WriteFile(conf, []byte("[checks.G002]\nidle_in_transaction_p3_seconds = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)

	for _, mode := range []string{"default", "anonymize", "literals"} {
		t.Run(mode, func(t *testing.T) {
			out := t.TempDir()
			args := []string{"run", "-v", "--config", conf, "--out", out, "--project", "defs"}
			switch mode {
			case "anonymize":
				args = append(args, "--anonymize")
			case "literals":
				args = append(args, "--definition-literals")
			}
			code, stdout, stderr := runCLI(t, append(args, cl.ConnString("postgres"))...)
			if code != exitOK && code != exitCheckErrors {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			dir := strings.TrimSpace(stdout)
			files := outputs(t, out)
			files["stdout"], files["stderr"] = stdout, stderr
			shown := map[string]bool{}
			for path, body := range files {
				for _, c := range defsCanaryRE.FindAllString(body, -1) {
					shown[c] = true
					if mode != "literals" || strings.HasPrefix(c, "CANARYAPP") {
						t.Errorf("%s leaks %s", path, c)
					}
				}
			}
			js, md := files[filepath.Join(dir, "report.json")], files[filepath.Join(dir, "report.md")]
			switch mode {
			case "default":
				// Shapes stay, so the reader still sees what the definitions do.
				for _, want := range []string{"WHERE (status = $1::text)", "(lower(email) || $1::text)", "CHECK ((secret <> $1::text))"} {
					if !strings.Contains(js, want) {
						t.Errorf("report.json lacks %q", want)
					}
				}
				// G002's finding names the application in a code span.
				if want := "application `app token=" + privacy.Stars + "`, user"; !strings.Contains(md, want) {
					t.Errorf("report.md lacks the intact code span %s", want)
				}
			case "anonymize":
				key, err := privacy.LoadOrCreateKey(filepath.Join(out, "defs", "anonymize.key"))
				if err != nil {
					t.Fatal(err)
				}
				a, _ := privacy.NewAnonymizer(key)
				if want := "application `" + a.Pseudonym(defsApp) + "`, user"; !strings.Contains(md, want) {
					t.Errorf("report.md lacks the application's pseudonym in a code span %s", want)
				}
				for path, body := range files {
					if m := regexp.MustCompile(`\bdefs_[a-z_]+|token=`).FindString(body); m != "" {
						t.Errorf("%s shows %s", path, m)
					}
				}
			case "literals":
				// The opt-in works, so the other modes would notice a leak.
				for _, want := range []string{"CANARYDEF_partial", "CANARYDEF_expr", "CANARYDEF_check"} {
					if !shown[want] {
						t.Errorf("opted in, but no output shows %s", want)
					}
				}
				if !strings.Contains(js, `"definition_literals": true`) || !strings.Contains(md, "Definitions show their literals, which may hold data") {
					t.Error("the opt-in is not recorded in the report's options and header")
				}
			}
		})
	}
}

// TestDefinitionLiteralsConfigKey: the opt-in can also come from the config file.
func TestDefinitionLiteralsConfigKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pgcheckup.toml")
	if err := os.WriteFile(path, []byte("definition_literals = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := defaults()
	if err := loadFile(path, &c); err != nil {
		t.Fatal(err)
	}
	if err := c.decodeChecks(nil); err != nil {
		t.Fatal(err)
	}
	p, err := c.policy(filepath.Join(t.TempDir(), "key"))
	if err != nil || !p.DefinitionLiterals {
		t.Fatalf("definition_literals = true gives policy %+v, %v", p, err)
	}
}
